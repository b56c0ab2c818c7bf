import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { httpRequest, isCredentialField } from "@/lib/http";
import {
  buildRequest,
  credentialForSpec,
  findOperation,
  type FormSchema,
  type ImportedOperation,
  listEnabledOperations,
  withoutOptionalDefaults,
} from "@/lib/openapi";
import { userIdFrom } from "../context";
import { shownHeaders } from "../http/api-call";
import { failure } from "../result";
import { accessOfMethod } from "../access";
import type { CatalogTool } from "../catalog-tool";

/**
 * The operation's input schema as the form and validation use it: optional fields without their
 * defaults (stored before imports dropped them), so only what the person set is sent.
 */
function formSchemaOf(imported: ImportedOperation): FormSchema {
  return withoutOptionalDefaults(imported.operation.inputSchema);
}

/** The zod schema a tool validates with, from the operation's stored JSON Schema. */
function inputSchemaOf(imported: ImportedOperation): z.ZodType {
  try {
    return z.fromJSONSchema(formSchemaOf(imported) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return z.record(z.string(), z.unknown());
  }
}

/** What every imported operation answers: the API's status, the headers worth showing, and its body. */
const outputSchema = z.object({
  success: z.boolean(),
  status: z.number().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  data: z.unknown().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});

/** Calls one imported operation as this user: the chosen server, the API's credential, the guarded client. */
async function callImportedOperation(userId: string, imported: ImportedOperation, input: Record<string, unknown>) {
  const credential = await credentialForSpec(userId, imported.spec);
  const request = buildRequest(imported.spec.serverUrl, imported.operation.request, input, credential);
  const response = await httpRequest({
    ...request, // the credential, if any, bound to its origins: the client attaches it only there
    guard: true,
    rateLimit: { key: `openapi:${imported.spec.id}:${userId}`, capacity: 10, refillPerSecond: 5 },
  });
  const result = { status: response.status, headers: shownHeaders(response.headers), data: response.body, durationMs: response.durationMs };
  if (response.status >= 400) return { success: false as const, error: `The API answered ${response.status}.`, code: response.status, ...result };
  return { success: true as const, ...result };
}

/**
 * Input paths that carry secrets, as data for run history: parameters named like a credential
 * (an Authorization header, an api_key query parameter) and fields the description marks
 * `format: password`, top-level or in the request body.
 */
function secretFieldsOf({ operation }: ImportedOperation): string[] {
  const properties = operation.inputSchema.properties ?? {};
  const isPassword = (schema: FormSchema | undefined) => schema?.format === "password";
  const parameters = operation.request.parameters
    .filter((parameter) => isCredentialField(parameter.name) || isPassword(properties[parameter.key]))
    .map((parameter) => parameter.key);
  const bodyKey = operation.request.body?.key;
  const bodyFields = bodyKey
    ? Object.entries(properties[bodyKey]?.properties ?? {})
        .filter(([, schema]) => isPassword(schema))
        .map(([name]) => `${bodyKey}.${name}`)
    : [];
  return [...parameters, ...bodyFields];
}

/** An imported operation as a Mastra tool: usable in the runner and as a workflow step (createStep(tool)). */
function importedTool(imported: ImportedOperation): CatalogTool {
  const { operation, spec } = imported;
  const description = [operation.summary, operation.description].filter(Boolean).join(". ") || `${operation.method} ${operation.path}`;
  const tool = createTool({
    id: operation.toolId,
    description: `${description} (${operation.method} ${operation.path})`.slice(0, 1000),
    inputSchema: inputSchemaOf(imported),
    outputSchema,
    execute: async (input, context) => {
      try {
        return await callImportedOperation(userIdFrom(context?.requestContext), imported, (input ?? {}) as Record<string, unknown>);
      } catch (error) {
        return failure(error);
      }
    },
  });
  return {
    tool,
    group: spec.title,
    providerId: spec.authKind === "connection" ? (spec.authProviderId ?? undefined) : undefined,
    access: accessOfMethod(operation.method),
    formSchema: formSchemaOf(imported),
    secretFields: secretFieldsOf(imported),
  };
}

export async function findImportedTool(workspaceId: string, toolId: string): Promise<CatalogTool | undefined> {
  const imported = await findOperation(workspaceId, toolId);
  return imported && importedTool(imported);
}

/** Every imported operation this user enabled, as catalog tools: what the runner, the agent and MCP may offer. */
export async function listImportedTools(workspaceId: string): Promise<CatalogTool[]> {
  return (await listEnabledOperations(workspaceId)).map(importedTool);
}
