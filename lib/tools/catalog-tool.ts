import type { Tool } from "@mastra/core/tools";
import type { ToolAccess } from "./access";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools have different input and output types
export type AnyTool = Tool<any, any, any, any, any, any>;

/**
 * A tool in the catalog: the provider whose connection it needs (none for api-call), or for a tool
 * that degrades gracefully the providers of which any one will do, whether it writes, and for
 * imported OpenAPI operations the JSON Schema their form is built from. `secretFields` are dotted
 * input paths that carry secrets: run history stores them redacted (besides any field named like a credential).
 * `destinationField` names the input field holding the URL a call goes to, for a tool whose input
 * chooses its host (api-call): the agent asks before it reaches a host the person has not approved.
 */
export type CatalogTool = {
  tool: AnyTool;
  providerId?: string;
  anyOf?: string[];
  group: string;
  access: ToolAccess;
  destinationField?: string;
  formSchema?: object;
  secretFields?: string[];
};
