import { z } from "zod";
import type { SecurityScheme } from "./document";
import { MAX_SPEC_BYTES } from "./limits";

/** What the import routes accept: where the description comes from, its name, server, credential and choices (validated with zod). */

export const specSourceSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("text"),
    text: z.string().min(1, "Paste a description or choose a file.").max(MAX_SPEC_BYTES, "The description is larger than 40 MB."),
  }),
  z.object({ kind: z.literal("url"), url: z.url({ protocol: /^https?$/, message: "Enter an http or https URL." }) }),
  // An uploaded file's bytes as they arrived (lib/openapi/http.ts, multipart): never decoded until saved. JSON cannot send it.
  z.object({
    kind: z.literal("upload"),
    bytes: z
      .instanceof(Buffer)
      .refine((bytes) => bytes.length > 0, "Paste a description or choose a file.")
      .refine((bytes) => bytes.length <= MAX_SPEC_BYTES, "The description is larger than 40 MB."),
  }),
]);

/** Headers a credential may not be put in: they frame the request itself. */
const RESERVED_HEADERS = /^(host|content-length|content-type|transfer-encoding|connection|cookie)$/i;

/**
 * How calls authenticate when the person says so (the description declares no scheme, or not the
 * right one): a bearer token, an API key in a named header or query parameter, or basic auth.
 */
export const customSchemeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bearer") }),
  z.object({
    type: z.literal("apiKey"),
    in: z.enum(["header", "query"]),
    name: z
      .string()
      .trim()
      .min(1, "Name the header or query parameter.")
      .max(100)
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "Use letters, digits and - _ . only.")
      .refine((name) => !RESERVED_HEADERS.test(name), "That header frames the request; choose another."),
  }),
  z.object({ type: z.literal("basic") }),
]);

/** A security scheme the description declares (by name), or one the person describes. */
const authSchemeSchema = z.union([z.string().min(1), customSchemeSchema]);

export const importAuthSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("connection"), scheme: authSchemeSchema, providerId: z.string().min(1) }),
  z.object({ kind: z.literal("secret"), scheme: authSchemeSchema, secret: z.string().min(1, "Enter the key or token.").max(8192) }),
]);

/** An API's name: the prefix of its tool ids (`github.issues-list-for-repo`). */
export const apiNameSchema = z
  .string()
  .trim()
  .min(1, "Name the API.")
  .max(40, "At most 40 characters.")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lower-case letters, digits and single hyphens (github, billing-v2).");

export const importRequestSchema = z.object({
  source: specSourceSchema,
  serverUrl: z.url({ protocol: /^https?$/, message: "Choose or enter the server URL (http or https)." }),
  auth: importAuthSchema.default({ kind: "none" }),
  /** The API's name, the prefix of its tool ids; without it, the name of the earlier import of the same title, else one suggested from the title. */
  name: apiNameSchema.optional(),
  /** The tool ids to enable; without it, an earlier import's choices are kept and new operations get the default. */
  enabledToolIds: z.array(z.string().max(200)).max(20_000).optional(),
  /** Saving over an API imported before happens only when the person confirmed the difference. */
  replace: z.boolean().default(false),
});

/** Above this many operations an import starts with none enabled, and the person picks. */
export const ENABLE_ALL_UP_TO = 50;

export class ReplaceNotConfirmedError extends Error {
  override name = "ReplaceNotConfirmedError";
}

export type SpecSource = z.infer<typeof specSourceSchema>;
export type ImportRequest = z.infer<typeof importRequestSchema>;
export type ImportRequestInput = z.input<typeof importRequestSchema>;

/** A custom scheme as the security scheme it stands for. */
export function customScheme(scheme: z.infer<typeof customSchemeSchema>): SecurityScheme {
  if (scheme.type === "apiKey") return { type: "apiKey", in: scheme.in, name: scheme.name };
  return { type: "http", scheme: scheme.type };
}
