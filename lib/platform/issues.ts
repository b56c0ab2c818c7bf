import { z } from "zod";

/** One refusal of a zod schema: the dotted path to the value ("" for the value itself) and why. */
export type Issue = { path: string; message: string };

/** The one way zod issues are shown: each with its dotted path, in the order zod reported them. */
export function formatIssues(issues: z.ZodError | readonly z.core.$ZodIssue[]): Issue[] {
  const list = issues instanceof z.ZodError ? issues.issues : issues;
  return list.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** The issues as one sentence, "a.b: message; c: message"; `root` names the value itself ("body", "input", ...). */
export function describeIssues(issues: z.ZodError | readonly Issue[], root: string): string {
  const list = issues instanceof z.ZodError ? formatIssues(issues) : issues;
  return list.map((issue) => `${issue.path || root}: ${issue.message}`).join("; ");
}

/** A form's messages: the first one for each top-level field, as the forms show one line under a field. */
export function fieldErrors(error: z.ZodError): Record<string, string | undefined> {
  const flat = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  return Object.fromEntries(Object.entries(flat).map(([field, messages]) => [field, messages?.[0]]));
}
