/**
 * A fake of the Notion API calls Patchbay makes (POST /v1/search, GET /v1/users/me), in Notion's
 * wire format: Bearer secrets, a required Notion-Version header, and `{ object: "error", status,
 * code, message }` errors. Never imported by app code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type FakeNotion = { url: string; server: Server; failWith: { status: number | undefined }; close: () => Promise<void> };

const pages = [
  { id: "59833787-2cf9-4fdf-8782-e53db20768a5", title: "Webhook runbook" },
  { id: "6f4a1c2e-9b1d-4e0a-8c55-0f6a9b7c1d22", title: "Patchbay roadmap" },
].map((page) => ({
  object: "page",
  id: page.id,
  created_time: "2026-11-01T10:00:00.000Z",
  last_edited_time: "2026-11-20T10:00:00.000Z",
  url: `https://www.notion.so/${page.title.replace(/ /g, "-")}-${page.id.replace(/-/g, "")}`,
  properties: { title: { id: "title", type: "title", title: [{ type: "text", plain_text: page.title, text: { content: page.title } }] } },
}));

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

export async function startFakeNotion(port = 0): Promise<FakeNotion> {
  const failWith: FakeNotion["failWith"] = { status: undefined };
  const server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/_fake/fail") {
      failWith.status = Number((await readJson(request)).status ?? 503);
      return reply(response, 200, { ok: true });
    }
    if (path === "/_fake/reset") {
      failWith.status = undefined;
      return reply(response, 200, { ok: true });
    }
    if (!/^Bearer (secret_|ntn_)\S+$/.test(request.headers.authorization ?? "")) {
      return reply(response, 401, { object: "error", status: 401, code: "unauthorized", message: "API token is invalid." });
    }
    if (!request.headers["notion-version"]) {
      return reply(response, 400, {
        object: "error",
        status: 400,
        code: "missing_version",
        message: "Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.",
      });
    }
    if (failWith.status)
      return reply(response, failWith.status, {
        object: "error",
        status: failWith.status,
        code: "service_unavailable",
        message: "Notion is unavailable, please try again later.",
      });
    if (request.method === "GET" && path === "/v1/users/me") {
      return reply(response, 200, {
        object: "user",
        id: "bot-0001",
        type: "bot",
        name: "Patchbay",
        avatar_url: null,
        bot: { owner: { type: "workspace", workspace: true }, workspace_name: "Patchbay Test" },
      });
    }
    if (request.method === "POST" && path === "/v1/search") {
      const body = await readJson(request);
      const query = String(body.query ?? "").toLowerCase();
      const results = pages.filter((page) => page.properties.title.title[0]!.plain_text.toLowerCase().includes(query)).slice(0, Number(body.page_size ?? 100));
      return reply(response, 200, { object: "list", results, next_cursor: null, has_more: false, type: "page_or_database", page_or_database: {} });
    }
    return reply(response, 404, { object: "error", status: 404, code: "object_not_found", message: "Could not find the requested resource." });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    failWith,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeNotion(Number(process.env.FAKE_NOTION_PORT ?? 0));
  console.log(`fake Notion listening on ${fake.url}`);
}
