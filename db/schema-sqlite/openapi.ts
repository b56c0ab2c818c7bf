import { workspaces } from "./workspaces";
import { boolean, createdAt, defineTable, index, integer, jsonValue, orderedJson, primaryKey, text, timestampMs, uniqueIndex } from "./common";

/**
 * An imported OpenAPI description: the document as given, the server and credential the user chose
 * for it. Its operations (below) are the tools; re-importing the same API replaces them.
 */
export const openapiSpecs = defineTable(
  "openapi_specs",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The prefix of every tool id from this API (`petstore.listPets`): unique per user. */
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    version: text("version").notNull(),
    description: text("description").notNull().default(""),
    specVersion: text("spec_version").notNull(),
    sourceUrl: text("source_url"),
    document: text("document").notNull(),
    serverUrl: text("server_url").notNull(),
    // orderedJson: the order of properties is meaningful here (form fields, multipart parts, re-import diffs).
    securitySchemes: orderedJson("security_schemes").$type<Record<string, unknown>>().notNull(),
    /** How calls authenticate: nothing, one of the user's connections, or a secret sealed here. */
    authKind: text("auth_kind", { enum: ["none", "connection", "secret"] })
      .notNull()
      .default("none"),
    authScheme: text("auth_scheme"),
    /**
     * How calls authenticate when the person said so themselves (a description without security
     * schemes, or one whose schemes are wrong): a bearer token, an API key in a named header or
     * query parameter, or basic auth. Set, it is used instead of authScheme and goes with every operation.
     */
    authCustomScheme: jsonValue("auth_custom_scheme").$type<Record<string, unknown>>(),
    authProviderId: text("auth_provider_id"),
    credentialSealed: text("credential_sealed"),
    credentialLast4: text("credential_last4"),
    operationCount: integer("operation_count").notNull(),
    /** What the description gets wrong but was read anyway, each with its location. */
    warnings: jsonValue("warnings").$type<{ location: string; message: string }[]>().notNull().default([]),
    /** Operations that could not become tools, each with its reason. */
    skipped: jsonValue("skipped").$type<{ method: string; path: string; location: string; reason: string }[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (table) => [uniqueIndex("openapi_specs_workspace_slug").on(table.workspaceId, table.slug)],
);

/** One operation of an imported description: a tool with its input schema and how to build its request. */
export const openapiOperations = defineTable(
  "openapi_operations",
  {
    specId: text("spec_id")
      .notNull()
      .references(() => openapiSpecs.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Where the operation stands in its description: lists show them in the document's order. */
    position: integer("position").notNull().default(0),
    toolId: text("tool_id").notNull(),
    operationId: text("operation_id"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull(),
    tags: jsonValue("tags").$type<string[]>().notNull(),
    deprecated: boolean("deprecated").notNull().default(false),
    inputSchema: orderedJson("input_schema").$type<Record<string, unknown>>().notNull(),
    request: orderedJson("request").$type<Record<string, unknown>>().notNull(),
    /** Only enabled operations are tools (runner, agent, MCP); the person chooses which. */
    enabled: boolean("enabled").notNull().default(true),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.toolId] }), index("openapi_operations_spec").on(table.specId)],
);
