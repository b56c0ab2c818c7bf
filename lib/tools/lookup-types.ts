import type { ProviderCall } from "./provider-call";

/** One choice a lookup offers: what a person reads, and the fields it fills in (owner and repo from one repository). */
export type LookupChoice = { label: string; values: Record<string, string> };

/**
 * Options of a tool's input that the tool's service can list for the person: declared beside the
 * tool (its provider's `lookups.ts`), fetched through the provider request path (callProvider) with
 * the person's own connection, so a form offers them as choices instead of free text.
 */
export type ToolLookup = {
  /** What the choice is called on the form ("Repository"). */
  label: string;
  /** The top-level input fields one choice fills in. */
  fields: string[];
  providerId: string;
  request: ProviderCall;
  /** The provider's answer as choices; an answer of another shape gives none. */
  choices: (body: unknown) => LookupChoice[];
};
