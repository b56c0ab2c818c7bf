import "server-only";
import { createMcpHandler, DEFAULT_MAX_REQUEST_BODY_SIZE, readRequestBody, Server, type CallToolResult, type Tool } from "@modelcontextprotocol/server";
import packageJson from "@/package.json";
import type { TokenIdentity } from "@/lib/auth";
import { type Actor, log } from "@/lib/platform";
import { RunInputError } from "@/lib/runs";
import { type ExposedTool, listReadyTools, resolveToolName } from "@/lib/catalog";

function actorOf(identity: TokenIdentity): Actor {
  return { userId: identity.userId, workspaceId: identity.workspaceId };
}

/** A read token sees and runs only the tools that never write; a write token, all of them (authenticateToken made a viewer's token read). */
function allowedFor(identity: TokenIdentity, tool: ExposedTool): boolean {
  return identity.scope === "write" || !tool.writes;
}

function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

function toMcpTool(tool: ExposedTool): Tool {
  return {
    name: tool.name,
    title: tool.id,
    description: tool.description,
    inputSchema: { type: "object", ...tool.jsonSchema } as Tool["inputSchema"],
    annotations: { readOnlyHint: !tool.writes },
  };
}

/**
 * Runs one call as the token's owner, recorded in run history as "via MCP (token name)". Every
 * failure is a tool error the model can read: out of scope, bad input, or the tool's own failure.
 */
async function callTool(identity: TokenIdentity, name: string, input: unknown): Promise<CallToolResult> {
  const tool = await resolveToolName(actorOf(identity), name);
  if (!tool) return toolError(`There is no tool "${name}" among your ready tools. List the tools again: a connection may have changed.`);
  if (!allowedFor(identity, tool)) {
    return toolError(
      `"${name}" can change things at ${tool.group}, and the token "${identity.tokenName}" has read scope. Use a token with write scope to run it.`,
    );
  }
  try {
    const run = await tool.run(input ?? {}, { actor: actorOf(identity), trigger: { kind: "mcp", tokenName: identity.tokenName } });
    if (run.status === "failed") return toolError(run.error ?? "The tool failed.");
    const output = run.output ?? null;
    const structured = output && typeof output === "object" && !Array.isArray(output) ? { structuredContent: output as Record<string, unknown> } : {};
    return { content: [{ type: "text", text: JSON.stringify(output) }], ...structured };
  } catch (error) {
    if (error instanceof RunInputError) return toolError(`Invalid input: ${error.message}`);
    log.error("MCP tool call failed", { tool: tool.id, error: (error as Error).message });
    return toolError("The tool could not run; see the Patchbay log.");
  }
}

/** One server instance per request, knowing only the token's owner and scope. */
function serverFor(identity: TokenIdentity): Server {
  const server = new Server({ name: "patchbay", title: "Patchbay", version: packageJson.version }, { capabilities: { tools: {} } });
  server.setRequestHandler("tools/list", async () => ({
    tools: (await listReadyTools(actorOf(identity))).filter((tool) => allowedFor(identity, tool)).map(toMcpTool),
  }));
  server.setRequestHandler("tools/call", async (request) => callTool(identity, request.params.name, request.params.arguments));
  return server;
}

/** JSON-RPC's "Invalid Request". */
const INVALID_REQUEST = -32600;

/**
 * Whether the body is a JSON-RPC batch (an array). The current protocol revisions have none, and
 * a batch would run many tools for one request of the rate limit, so it is refused before the SDK
 * sees it. The body is read from a clone with the SDK's own size cap; a body too large or not JSON
 * is left to the SDK's 413 or parse error.
 */
async function isBatch(request: Request): Promise<boolean> {
  if (request.method !== "POST") return false;
  try {
    const read = await readRequestBody(request.clone(), DEFAULT_MAX_REQUEST_BODY_SIZE);
    return !read.tooLarge && Array.isArray(JSON.parse(read.text));
  } catch {
    return false;
  }
}

/**
 * Serves one MCP request over Streamable HTTP for an authenticated token. The SDK's handler
 * answers both protocol eras: 2026-07-28 requests directly, and 2025-era clients (initialize
 * handshake, what @modelcontextprotocol/sdk 1.x speaks) through its stateless fallback.
 */
export async function serveMcp(request: Request, identity: TokenIdentity): Promise<Response> {
  if (await isBatch(request)) {
    return Response.json(
      { jsonrpc: "2.0", id: null, error: { code: INVALID_REQUEST, message: "JSON-RPC batches are not supported: send one request per HTTP request." } },
      { status: 400 },
    );
  }
  const handler = createMcpHandler(() => serverFor(identity), {
    onerror: (error) => log.warn("MCP request refused", { message: error.message }),
  });
  return handler.fetch(request);
}
