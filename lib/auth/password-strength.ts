import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
/** zxcvbn's score 3: about 10^8 guesses or more ("safely unguessable" to an online attacker, and slowed by scrypt offline). */
const MIN_SCORE = 3;
/** zxcvbn's matching grows with the length; past this its answer is the same, so it sees only the start. */
const CHECKED_LENGTH = 100;

let estimator: ZxcvbnFactory | undefined;

/** Built on first use: the dictionaries (common passwords, names, English words) take a moment to index. */
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

/**
 * Why a new password will not do, in a sentence for the person, or undefined when it is fine. The
 * one check wherever a password is set: at least 12 characters, and hard to guess by zxcvbn's
 * estimate, which knows the most common passwords, names, words, keyboard walks, dates, sequences
 * and repeats. `personal` are words of the person's own (name, email) that make it easier to guess.
 */
export function passwordWeakness(password: string, personal: readonly string[] = []): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const userInputs = personal.flatMap((value) => [value, ...value.split(/[@.\s_+-]+/)]).filter((value) => value.length >= 3);
  const result = strengthEstimator().check(password.slice(0, CHECKED_LENGTH), userInputs);
  if (result.score >= MIN_SCORE) return undefined;
  const why = result.feedback.warning ?? "It would be guessed quickly.";
  const suggestion = result.feedback.suggestions[0] ?? "Add more words that are less common.";
  return `This password is too easy to guess. ${why} ${suggestion}`;
}
