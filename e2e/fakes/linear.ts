/**
 * A fake of Linear's GraphQL API (POST /graphql) for the operations Patchbay sends: viewer,
 * teams, projectCreate and searchIssues. Auth as Linear takes it: a personal key as the bare
 * Authorization value, or `Bearer <oauth token>`; without one, HTTP 400 with an
 * AUTHENTICATION_ERROR in `errors`. Operations are recognised from the query text (no GraphQL
 * engine). Never imported by app code.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type FakeLinear = {
  url: string;
  server: Server;
  projects: { id: string; name: string; description?: string; teamIds: string[]; url: string }[];
  failures: Map<string, number>;
  /** Each GraphQL operation received with the Authorization it came with, in order: which key or token asked. */
  calls: { operation: string; authorization: string }[];
  close: () => Promise<void>;
};

const team = { id: "team-eng-0001", name: "Engineering", key: "ENG" };
const issues = [
  { id: "issue-1", identifier: "ENG-1", title: "Webhook retries are too aggressive", url: "https://linear.app/patchbay/issue/ENG-1", state: { name: "Todo" } },
  {
    id: "issue-2",
    identifier: "ENG-2",
    title: "Document the webhook log viewer",
    url: "https://linear.app/patchbay/issue/ENG-2",
    state: { name: "In Progress" },
  },
];

async function readJson(request: IncomingMessage): Promise<{ query?: string; variables?: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

function operation(query: string): string | undefined {
  return ["projectCreate", "searchIssues", "issueSearch", "teams", "viewer"].find((name) => new RegExp(`\\b${name}\\b`).test(query));
}

export async function startFakeLinear(port = 0): Promise<FakeLinear> {
  const projects: FakeLinear["projects"] = [];
  const failures = new Map<string, number>();
  const calls: FakeLinear["calls"] = [];
  const server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/_fake/state") return reply(response, 200, { projects });
    if (path === "/_fake/reset") {
      projects.length = 0;
      failures.clear();
      return reply(response, 200, { ok: true });
    }
    if (path === "/_fake/fail") {
      const body = (await readJson(request)) as { operation?: string; status?: number };
      failures.set(body.operation ?? "*", body.status ?? 503);
      return reply(response, 200, { ok: true });
    }
    if (request.method !== "POST" || path !== "/graphql") return reply(response, 404, { errors: [{ message: "Not found" }] });
    const authorization = request.headers.authorization ?? "";
    if (!/^(lin_api_\S+|Bearer \S+)$/.test(authorization)) {
      return reply(response, 400, {
        errors: [
          {
            message: "Authentication required, not authenticated",
            extensions: {
              type: "authentication error",
              code: "AUTHENTICATION_ERROR",
              userPresentableMessage: "You need to authenticate to access this operation.",
            },
          },
        ],
      });
    }
    const { query = "", variables = {} } = await readJson(request);
    const name = operation(query);
    calls.push({ operation: name ?? "unknown", authorization });
    const failure = (name && failures.get(name)) ?? failures.get("*");
    if (failure) return reply(response, failure, { errors: [{ message: "Service unavailable", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    switch (name) {
      case "viewer":
        return reply(response, 200, { data: { viewer: { id: "user-0001", name: "Olive Owner", email: "owner@patchbay.test" } } });
      case "teams":
        return reply(response, 200, { data: { teams: { nodes: [team] } } });
      case "projectCreate": {
        const input = (variables.input ?? {}) as { name?: string; description?: string; teamIds?: string[] };
        if (!input.name) return reply(response, 200, { data: null, errors: [{ message: "Argument Validation Error", extensions: { code: "INVALID_INPUT" } }] });
        if (!input.teamIds?.includes(team.id))
          return reply(response, 200, { data: null, errors: [{ message: "Entity not found: Team", extensions: { code: "INVALID_INPUT" } }] });
        const id = randomUUID();
        const slug = input.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "");
        const project = {
          id,
          name: input.name,
          description: input.description,
          teamIds: input.teamIds,
          url: `https://linear.app/patchbay/project/${slug}-${id.slice(0, 12)}`,
        };
        projects.push(project);
        return reply(response, 200, { data: { projectCreate: { success: true, project: { id, name: project.name, url: project.url } } } });
      }
      case "searchIssues":
      case "issueSearch": {
        const term = String(variables.term ?? variables.query ?? "").toLowerCase();
        const nodes = issues.filter((issue) => issue.title.toLowerCase().includes(term));
        return reply(response, 200, { data: { [name]: { nodes } } });
      }
      default:
        return reply(response, 400, { errors: [{ message: "Unknown operation", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    projects,
    failures,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeLinear(Number(process.env.FAKE_LINEAR_PORT ?? 0));
  console.log(`fake Linear listening on ${fake.url}`);
}
