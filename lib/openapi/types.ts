import type { FormSchema } from "./json-schema.ts";
import type { Problem } from "./read-text.ts";
import type { ServerVariable } from "./server-url.ts";

/** What reading a description gives (lib/openapi/document.ts): the API, its operations as tools, and what was skipped. */

export type ParameterLocation = "path" | "query" | "header" | "cookie";
/** Where each input field goes: `key` is the field in the tool's input, `name` the parameter on the wire. */
export type RequestRecipe = {
  method: string;
  path: string;
  parameters: { key: string; name: string; in: ParameterLocation; explode: boolean }[];
  body?: { key: string; contentType: string; required: boolean };
  /** Security scheme names this operation accepts; [] means it needs none; null means the description does not say. */
  security: string[] | null;
};

export type ParsedOperation = {
  slug: string;
  operationId?: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  inputSchema: FormSchema;
  request: RequestRecipe;
};

export type SecurityScheme =
  | { type: "apiKey"; in: "header" | "query" | "cookie"; name: string; description?: string }
  | { type: "http"; scheme: string; description?: string }
  | { type: "oauth2" | "openIdConnect" | "mutualTLS"; description?: string };

/** An operation that cannot become a tool, and why; the others still import. */
export type SkippedOperation = { method: string; path: string; location: string; reason: string };

export type ParsedSpec = {
  title: string;
  version: string;
  description: string;
  specVersion: string;
  servers: ServerEntry[];
  securitySchemes: Record<string, SecurityScheme>;
  operations: ParsedOperation[];
  skipped: SkippedOperation[];
  warnings: Problem[];
};

export type ParseResult = { ok: true; spec: ParsedSpec } | { ok: false; problems: Problem[] };

/** A server as the description gives it: `template` keeps its `{variables}`, `url` has their defaults filled in. */
export type ServerEntry = { url: string; template: string; description?: string; variables: Record<string, ServerVariable> };
