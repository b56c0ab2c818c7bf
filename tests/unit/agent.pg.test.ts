import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { INVALID_KEY_STEP, startFakeModel, type FakeModel, type ScriptedStep } from "@/e2e/fakes/openai";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const { POST: startConversation } = await import("@/app/api/agent/conversations/route");
const { POST: sendMessage } = await import("@/app/api/agent/conversations/[id]/messages/route");
const { POST: decideCall } = await import("@/app/api/agent/conversations/[id]/tool-calls/[toolCallId]/route");
const { listConversations, loadMessages } = await import("@/lib/agent/conversations");
const { resetEnvCache } = await import("@/lib/platform/env");
const { db } = await import("@/db/client");
const { toolRuns } = await import("@/db/schema");

const API_KEY = "sk-agent-test-key-0123456789abcdef";
let model: FakeModel;
let github: FakeGitHub;
let alice: Awaited<ReturnType<typeof createUser>>;
let bob: Awaited<ReturnType<typeof createUser>>;

type Event = {
  type: string;
  text?: string;
  message?: string;
  id?: string;
  call?: { toolCallId: string; toolId: string; status: string; output: unknown; runId: string | null; input: unknown };
};

function configureModel(on: boolean) {
  if (on) Object.assign(process.env, { AGENT_MODEL: "openai/gpt-5-mini", AGENT_MODEL_URL: `${model.url}/v1`, AGENT_MODEL_API_KEY: API_KEY });
  else for (const name of ["AGENT_MODEL", "AGENT_MODEL_URL", "AGENT_MODEL_API_KEY"]) delete process.env[name];
  resetEnvCache();
}

function jsonRequest(body: unknown): Request {
  return new Request("http://localhost:3000/api/agent", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    body: JSON.stringify(body),
  });
}

async function events(response: Response): Promise<Event[]> {
  expect(response.headers.get("content-type")).toContain("application/x-ndjson");
  return (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

const textOf = (list: Event[]) =>
  list
    .filter((event) => event.type === "text")
    .map((event) => event.text)
    .join("");
const lastCall = (list: Event[]) => list.filter((event) => event.type === "tool").at(-1)?.call;

async function start(user: { id: string }, message: string, script: ScriptedStep[]) {
  session.current = { user: { id: user.id } };
  model.script.splice(0, model.script.length, ...script);
  const response = await startConversation(jsonRequest({ message }), { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  const list = await events(response);
  return { id: list[0]!.id!, list };
}

async function say(user: { id: string }, conversationId: string, message: string, script: ScriptedStep[]) {
  session.current = { user: { id: user.id } };
  model.script.splice(0, model.script.length, ...script);
  return sendMessage(jsonRequest({ message }), { params: Promise.resolve({ id: conversationId }) });
}

async function decision(user: { id: string }, conversationId: string, toolCallId: string, choice: "approve" | "deny", script: ScriptedStep[] = []) {
  session.current = { user: { id: user.id } };
  model.script.splice(0, model.script.length, ...script);
  return decideCall(jsonRequest({ decision: choice }), { params: Promise.resolve({ id: conversationId, toolCallId }) });
}

const createIssue = (title: string): ScriptedStep => ({
  toolCalls: [{ name: "github-create-issue", arguments: { owner: "octocat", repo: "hello-world", title } }],
});

/** A host outside Patchbay that records what reaches it (a collector an injected instruction points at). */
type Outside = { url: string; host: string; received: { method: string; url: string; headers: Record<string, unknown> }[]; server: Server };
async function startOutside(): Promise<Outside> {
  const received: Outside["received"] = [];
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: `http://${host}`, host, received, server };
}
const apiCall = (endpoint: string, extra: Record<string, unknown> = {}): ScriptedStep => ({
  toolCalls: [{ name: "api-call", arguments: { endpoint, method: "GET", ...extra } }],
});

beforeAll(async () => {
  model = await startFakeModel();
  github = await startGitHubFake({ expiringTokens: true });
  alice = await createUser("agent-alice");
  bob = await createUser("agent-bob");
  await connectGitHub(alice.id);
  configureModel(true);
});
afterAll(async () => {
  configureModel(false);
  await Promise.all([model.close(), github.close()]);
});
beforeEach(() => {
  session.current = null;
});

describe("the agent routes", () => {
  it("without AGENT_MODEL say exactly what to set, and need a signed-in user", async () => {
    configureModel(false);
    try {
      session.current = { user: { id: alice.id } };
      const response = await startConversation(jsonRequest({ message: "hello" }), { params: Promise.resolve({}) });
      expect(response.status).toBe(503);
      expect((await response.json()).error.message).toMatch(/set AGENT_MODEL .*AGENT_MODEL_API_KEY.*AGENT_MODEL_URL/);
    } finally {
      configureModel(true);
    }
    session.current = null;
    expect((await startConversation(jsonRequest({ message: "hello" }), { params: Promise.resolve({}) })).status).toBe(401);
  });

  it("runs a read at once, records it in run history under the conversation, and streams the reply", async () => {
    const { id, list } = await start(alice, "Which issues are open on octocat/hello-world?", [
      { toolCalls: [{ name: "github-list-issues", arguments: { owner: "octocat", repo: "hello-world" } }] },
      { text: "Open issues: {{result.issues}}" },
    ]);
    const call = lastCall(list)!;
    expect(call).toMatchObject({ toolId: "github-list-issues", status: "succeeded" });
    expect(textOf(list)).toContain("Open issues:");
    expect(list.at(-1)).toEqual({ type: "done" });
    const [run] = await db().select().from(toolRuns).where(eq(toolRuns.id, call.runId!)).limit(1);
    expect(run).toMatchObject({ userId: alice.id, toolId: "github-list-issues", trigger: "agent", conversationId: id });
    expect((await listConversations(alice)).map((conversation) => conversation.id)).toContain(id);
    expect((await loadMessages(id)).map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("holds a write until approved, runs it exactly once, and the reply quotes the issue number", async () => {
    const before = github.createdIssues.length;
    const { id, list } = await start(alice, "Open an issue titled Agent approved", [createIssue("Agent approved")]);
    const held = lastCall(list)!;
    expect(held).toMatchObject({
      toolId: "github-create-issue",
      status: "pending_approval",
      input: { owner: "octocat", repo: "hello-world", title: "Agent approved" },
    });
    expect(github.createdIssues.length).toBe(before);

    const busy = await say(alice, id, "hurry up", []);
    expect(busy.status).toBe(409);

    const approved = await events(await decision(alice, id, held.toolCallId, "approve", [{ text: "Created issue #{{result.issue.number}}." }]));
    expect(github.createdIssues.length).toBe(before + 1);
    const number = github.createdIssues.at(-1)!.number;
    expect(approved.find((event) => event.type === "tool")?.call).toMatchObject({ status: "succeeded", output: { success: true, issue: { number } } });
    expect(textOf(approved)).toBe(`Created issue #${number}.`);

    const again = await decision(alice, id, held.toolCallId, "approve");
    expect(again.status).toBe(409);
    expect(github.createdIssues.length).toBe(before + 1);
  });

  it("on Deny sends nothing to GitHub and tells the model the person refused", async () => {
    const before = github.createdIssues.length;
    const { id, list } = await start(alice, "Open an issue titled Never", [createIssue("Never")]);
    const held = lastCall(list)!;
    const denied = await events(await decision(alice, id, held.toolCallId, "deny", [{ text: "Understood, I did not create it." }]));
    expect(denied.find((event) => event.type === "tool")?.call).toMatchObject({ status: "denied" });
    expect(textOf(denied)).toBe("Understood, I did not create it.");
    expect(github.createdIssues.length).toBe(before);
    const toModel = JSON.parse(model.requests.at(-1)!.body) as { messages: { role: string; content: string }[] };
    expect(toModel.messages.find((message) => message.role === "tool" && message.content.includes("denied"))).toBeDefined();
  });

  it("asks before api-call reaches a host not approved in this conversation, even with GET; once approved, that host runs for the rest of the conversation", async () => {
    const carol = await createUser("agent-carol");
    const collector = await startOutside();
    const other = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const { id, list } = await start(carol, "Summarise octocat/hello-world", [apiCall(`${collector.url}/collect?data=private-notes`)]);
      const held = lastCall(list)!;
      expect(held).toMatchObject({
        toolId: "api-call",
        status: "pending_approval",
        input: { endpoint: `${collector.url}/collect?data=private-notes`, method: "GET" },
      });
      expect(collector.received).toEqual([]);

      // Approved: the call runs once, and later GETs to the same host run without asking; another host still asks.
      const approved = await events(
        await decision(carol, id, held.toolCallId, "approve", [apiCall(`${collector.url}/again`), apiCall(`${other.url}/elsewhere`)]),
      );
      // Each call's latest state, in the order the calls were made.
      const calls = [...new Map(approved.filter((event) => event.type === "tool").map((event) => [event.call!.toolCallId, event.call!])).values()];
      expect(calls.map((call) => [call.status, (call.input as { endpoint: string }).endpoint])).toEqual([
        ["succeeded", `${collector.url}/collect?data=private-notes`],
        ["succeeded", `${collector.url}/again`],
        ["pending_approval", `${other.url}/elsewhere`],
      ]);
      expect(collector.received.map((request) => request.url)).toEqual(["/collect?data=private-notes", "/again"]);
      expect(other.received).toEqual([]);
      const deny = await events(await decision(carol, id, lastCall(approved)!.toolCallId, "deny", [{ text: "Not sent." }]));
      expect(textOf(deny)).toBe("Not sent.");

      // A write to an approved host still waits; a new conversation starts with no host approved.
      const write = await events(await say(carol, id, "post it", [apiCall(`${collector.url}/post`, { method: "POST", body: { a: 1 } })]));
      expect(lastCall(write)).toMatchObject({ status: "pending_approval", input: { method: "POST" } });
      await events(await decision(carol, id, lastCall(write)!.toolCallId, "deny", [{ text: "Fine." }]));
      const fresh = await start(carol, "again, elsewhere", [apiCall(`${collector.url}/fresh`)]);
      expect(lastCall(fresh.list)).toMatchObject({ status: "pending_approval" });
      expect(collector.received.map((request) => request.url)).toEqual(["/collect?data=private-notes", "/again"]);
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await Promise.all([collector, other].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("runs a waiting GET once another call approved its host", async () => {
    const erin = await createUser("agent-erin");
    const first = await startOutside();
    const second = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    const get = (endpoint: string) => ({ name: "api-call", arguments: { endpoint } });
    const latest = (list: Event[]) => [
      ...new Map(list.filter((event) => event.type === "tool").map((event) => [event.call!.toolCallId, event.call!])).values(),
    ];
    try {
      const { id, list } = await start(erin, "Fetch them all", [{ toolCalls: [get(`${first.url}/a`), get(`${second.url}/b1`), get(`${second.url}/b2`)] }]);
      const [a] = latest(list);
      expect(a).toMatchObject({ status: "pending_approval" });

      // Approving the first host runs that call; the two calls to the second host then both wait.
      const afterA = latest(await events(await decision(erin, id, a!.toolCallId, "approve")));
      expect(afterA.map((call) => call.status)).toEqual(["succeeded", "pending_approval", "pending_approval"]);
      expect(second.received).toEqual([]);

      // Approving one of them approves the host: the other runs without a second question.
      const afterB = latest(await events(await decision(erin, id, afterA[1]!.toolCallId, "approve", [{ text: "All fetched." }])));
      expect(afterB.map((call) => call.status)).toEqual(["succeeded", "succeeded"]);
      expect(second.received.map((request) => request.url)).toEqual(["/b1", "/b2"]);
      expect(first.received.map((request) => request.url)).toEqual(["/a"]);
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await Promise.all([first, second].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("refuses a method-override header on api-call: a GET never becomes a DELETE at the service", async () => {
    const dave = await createUser("agent-dave");
    const service = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const { id, list } = await start(dave, "Tidy up", [apiCall(`${service.url}/things/1`, { headers: { "X-HTTP-Method-Override": "DELETE" } })]);
      const call = lastCall(list)!;
      const settled =
        call.status === "pending_approval" ? lastCall(await events(await decision(dave, id, call.toolCallId, "approve", [{ text: "Done." }])))! : call;
      expect(service.received).toEqual([]);
      expect(settled).toMatchObject({ status: "failed" });
      expect(JSON.stringify(settled.output)).toMatch(/X-HTTP-Method-Override/);
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await new Promise((resolve) => service.server.close(resolve));
    }
  });

  it("shows a provider 401 plainly and the conversation goes on", async () => {
    const { id, list } = await start(alice, "Hello?", [INVALID_KEY_STEP]);
    expect(list.find((event) => event.type === "error")?.message).toMatch(/refused the API key \(401 invalid_api_key\).*AGENT_MODEL_API_KEY/);
    expect(JSON.stringify(list)).not.toContain("sk-wrong");
    const next = await events(await say(alice, id, "Are you there now?", [{ text: "Yes, I am here." }]));
    expect(textOf(next)).toBe("Yes, I am here.");
    expect((await loadMessages(id)).map((message) => message.role)).toEqual(["user", "user", "assistant"]);
  });

  it("says plainly when the provider rate-limits or cannot be reached", async () => {
    const limited: ScriptedStep = { status: 429, error: { message: "Rate limit reached for requests.", type: "requests", code: "rate_limit_exceeded" } };
    const { list } = await start(alice, "Hi", [limited, limited]);
    expect(list.find((event) => event.type === "error")?.message).toMatch(/rate limiting requests \(429 rate_limit_exceeded\)/);
    const unreachable = await startFakeModel();
    await unreachable.close();
    process.env.AGENT_MODEL_URL = `${unreachable.url}/v1`;
    resetEnvCache();
    try {
      const { list: down } = await start(alice, "Hi", []);
      expect(down.find((event) => event.type === "error")?.message).toMatch(/Could not reach the model provider/);
    } finally {
      configureModel(true);
    }
  });

  it("gives each person only their own tools and conversations", async () => {
    const before = github.createdIssues.length;
    const first = model.requests.length;
    const { id: bobs, list } = await start(bob, "Open an issue titled Not mine", [createIssue("Not mine"), { text: "I cannot do that." }]);
    const offered = (JSON.parse(model.requests[first]!.body) as { tools?: { function: { name: string } }[] }).tools?.map((tool) => tool.function.name) ?? [];
    expect(offered).toContain("api-call");
    expect(offered.filter((name) => name.startsWith("github-"))).toEqual([]);
    expect(list.some((event) => event.type === "tool" && event.call?.status === "pending_approval")).toBe(false);
    expect(github.createdIssues.length).toBe(before);

    const { id: alices } = await start(alice, "Anything", [{ text: "Hi Alice." }]);
    const aliceOffered = (JSON.parse(model.requests.at(-1)!.body) as { tools: { function: { name: string } }[] }).tools.map((tool) => tool.function.name);
    expect(aliceOffered).toContain("github-create-issue");

    expect((await say(bob, alices, "let me in", [])).status).toBe(404);
    expect((await say(alice, bobs, "let me in", [])).status).toBe(404);
    expect((await listConversations(bob)).map((conversation) => conversation.id)).toEqual([bobs]);
  });

  it("never sends a credential to the model or stores one in a conversation", async () => {
    const secrets = [...github.issuedAccessTokens, ...github.issuedRefreshTokens, API_KEY, github.clientSecret];
    expect(github.issuedRefreshTokens.length).toBeGreaterThan(0);
    expect(model.requests.length).toBeGreaterThan(8);
    for (const request of model.requests) for (const secret of secrets) expect(request.body).not.toContain(secret);
    expect(model.requests.every((request) => request.authorization === `Bearer ${API_KEY}`)).toBe(true);
    const { DATABASE_PATH } = (await import("@/lib/platform/env")).env();
    const stored =
      JSON.stringify(await Promise.all((await listConversations(alice)).map((conversation) => loadMessages(conversation.id)))) +
      [DATABASE_PATH, `${DATABASE_PATH}-wal`]
        .filter(existsSync)
        .map((file) => readFileSync(file).toString("latin1"))
        .join("");
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });
});
