import { createServer, type Server } from "node:http";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeModel, type FakeModel, type ScriptedStep } from "@/e2e/fakes/openai";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake, type TestUser } from "../support/helpers";

/**
 * Issue 25, item 11: an approval can edit the held call's input (checked against the tool's
 * schema; the edit is what runs, and the conversation, the model and the audit log know it), and
 * can allow the tool for the rest of the conversation (later calls of that tool there run
 * unasked, until the person revokes it). Through the real routes and server action, against the
 * fake model and the fake GitHub.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { POST: startConversation } = await import("@/app/api/agent/conversations/route");
const { POST: sendMessage } = await import("@/app/api/agent/conversations/[id]/messages/route");
const { POST: decideCall } = await import("@/app/api/agent/conversations/[id]/tool-calls/[toolCallId]/route");
const { revokeAllowedToolAction } = await import("@/app/(dashboard)/agent/actions");
const { findToolCall, getConversation, loadMessages } = await import("@/lib/agent/conversations");
const { transcript } = await import("@/lib/agent/transcript");
const { setMemberRole } = await import("@/lib/auth/workspaces");
const { resetEnvCache } = await import("@/lib/platform/env");
const { db } = await import("@/db/client");
const { auditEvents, toolRuns } = await import("@/db/schema");

let model: FakeModel;
let github: FakeGitHub;
let alice: TestUser;

type Call = { toolCallId: string; toolId: string; status: string; output: unknown; runId: string | null; input: unknown; proposedInput: unknown };
type Event = { type: string; text?: string; message?: string; id?: string; call?: Call; tools?: string[] };

function jsonRequest(body: unknown): Request {
  return new Request("http://localhost:3000/api/agent", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost:3000" },
    body: JSON.stringify(body),
  });
}

async function events(response: Response): Promise<Event[]> {
  expect(response.status).toBe(200);
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
const lastCall = (list: Event[]) => list.filter((event) => event.type === "tool").at(-1)!.call!;

function script(steps: ScriptedStep[]) {
  model.script.splice(0, model.script.length, ...steps);
}

async function start(user: TestUser, message: string, steps: ScriptedStep[]) {
  session.current = { user: { id: user.id } };
  script(steps);
  const list = await events(await startConversation(jsonRequest({ message }), { params: Promise.resolve({}) }));
  return { id: list[0]!.id!, list };
}

async function say(user: TestUser, conversationId: string, message: string, steps: ScriptedStep[]) {
  session.current = { user: { id: user.id } };
  script(steps);
  return events(await sendMessage(jsonRequest({ message }), { params: Promise.resolve({ id: conversationId }) }));
}

async function decide(user: TestUser, conversationId: string, toolCallId: string, body: Record<string, unknown>, steps: ScriptedStep[] = []) {
  session.current = { user: { id: user.id } };
  script(steps);
  return decideCall(jsonRequest(body), { params: Promise.resolve({ id: conversationId, toolCallId }) });
}

async function revoke(user: TestUser, conversationId: string, toolId: string) {
  session.current = { user: { id: user.id } };
  const form = new FormData();
  form.set("conversationId", conversationId);
  form.set("toolId", toolId);
  try {
    return await revokeAllowedToolAction(undefined, form);
  } finally {
    session.current = null;
  }
}

const ISSUE = { owner: "octocat", repo: "hello-world" };
const createIssue = (title: string): ScriptedStep => ({ toolCalls: [{ name: "github-create-issue", arguments: { ...ISSUE, title } }] });
const titled = (title: string) => github.createdIssues.filter((issue) => issue.title === title);

/** A host outside Patchbay that records what reaches it. */
type Outside = { url: string; received: { method: string; url: string }[]; server: Server };
async function startOutside(): Promise<Outside> {
  const received: Outside["received"] = [];
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? "", url: request.url ?? "" });
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, server };
}
const apiCall = (endpoint: string, method = "GET"): ScriptedStep => ({
  toolCalls: [{ name: "api-call", arguments: { endpoint, method, ...(method === "GET" ? {} : { body: { a: 1 } }) } }],
});

beforeAll(async () => {
  model = await startFakeModel();
  github = await startGitHubFake();
  alice = await createUser("approvals-alice");
  await connectGitHub(alice.id);
  Object.assign(process.env, { AGENT_MODEL: "openai/gpt-5-mini", AGENT_MODEL_URL: `${model.url}/v1`, AGENT_MODEL_API_KEY: "sk-approvals-test-key-0123456789" });
  resetEnvCache();
});
afterAll(async () => {
  for (const name of ["AGENT_MODEL", "AGENT_MODEL_URL", "AGENT_MODEL_API_KEY"]) delete process.env[name];
  resetEnvCache();
  await Promise.all([model.close(), github.close()]);
});
beforeEach(() => {
  session.current = null;
});

describe("editing a held call's input before approving it", () => {
  it("runs the edited input, shows that the person edited it, tells the model, and records the approval in the audit log", async () => {
    const { id, list } = await start(alice, "Open an issue titled Proposed by the model", [createIssue("Proposed by the model")]);
    const held = lastCall(list);
    expect(held).toMatchObject({ status: "pending_approval", input: { title: "Proposed by the model" } });
    // The card gets the tool's input schema for its form while the call waits.
    expect((list.filter((event) => event.type === "tool").at(-1)!.call as unknown as { schema?: { properties?: object } }).schema?.properties).toHaveProperty(
      "title",
    );

    const edited = { ...ISSUE, title: "Edited by the person", labels: ["from-agent"] };
    const approved = await events(
      await decide(alice, id, held.toolCallId, { decision: "approve", input: edited }, [
        { text: "Created issue #{{result.result.issue.number}} titled {{result.inputUsed.title}}." },
      ]),
    );

    expect(titled("Proposed by the model")).toEqual([]);
    const [issue] = titled("Edited by the person");
    expect(issue).toMatchObject({ labels: ["from-agent"] });
    const done = lastCall(approved);
    expect(done).toMatchObject({ status: "succeeded", input: edited, proposedInput: { ...ISSUE, title: "Proposed by the model" } });
    expect(textOf(approved)).toBe(`Created issue #${issue!.number} titled Edited by the person.`);

    // Run history holds what ran; the model read that the person edited the input, and the actual result.
    const [run] = await db().select().from(toolRuns).where(eq(toolRuns.id, done.runId!)).limit(1);
    expect(run!.input).toMatchObject({ title: "Edited by the person" });
    const toModel = JSON.parse(model.requests.at(-1)!.body) as { messages: { role: string; content: string }[] };
    const result = JSON.parse(toModel.messages.find((message) => message.role === "tool")!.content) as Record<string, unknown>;
    expect(result).toMatchObject({ inputUsed: edited, result: { success: true, issue: { number: issue!.number } } });
    expect(String(result.note)).toMatch(/person edited/);

    // Reopened, the conversation still shows the edit.
    const card = (await transcript(id)).find((item) => item.kind === "tool");
    expect(card).toMatchObject({ call: { input: edited, proposedInput: { title: "Proposed by the model" } } });

    const [entry] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "agent_call_approved"), eq(auditEvents.workspaceId, alice.workspaceId)));
    expect(entry).toMatchObject({
      actorId: alice.id,
      actorLabel: alice.email,
      target: "github-create-issue",
      detail: { conversation: id, call: held.toolCallId, edited: true, allowedForConversation: false },
    });
  });

  it("refuses an edit that does not fit the tool's schema with a 422 naming the fields, and nothing runs", async () => {
    const before = github.createdIssues.length;
    const runsBefore = (await db().select().from(toolRuns).where(eq(toolRuns.userId, alice.id))).length;
    const { id, list } = await start(alice, "Open an issue titled Still waiting", [createIssue("Still waiting")]);
    const held = lastCall(list);

    const refused = await decide(alice, id, held.toolCallId, { decision: "approve", input: { owner: "octocat", title: 42 } });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; message: string; problems: { path: string }[] } };
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toMatch(/does not fit github-create-issue.*Nothing was run/);
    expect(body.error.problems.map((problem) => problem.path).sort()).toEqual(["repo", "title"]);

    expect(github.createdIssues.length).toBe(before);
    expect((await db().select().from(toolRuns).where(eq(toolRuns.userId, alice.id))).length).toBe(runsBefore);
    expect(await findToolCall(id, held.toolCallId)).toMatchObject({ status: "pending_approval", input: { title: "Still waiting" }, proposedInput: null });

    // The person can still approve it as proposed.
    await events(await decide(alice, id, held.toolCallId, { decision: "approve" }, [{ text: "Done." }]));
    expect(titled("Still waiting")).toHaveLength(1);
    expect(await findToolCall(id, held.toolCallId)).toMatchObject({ status: "succeeded", proposedInput: null });
  });
});

describe("allowing a tool for the rest of the conversation", () => {
  it("skips later approvals of that tool, only in that conversation and only for that tool, until revoked", async () => {
    const outside = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const { id, list } = await start(alice, "File a few issues", [createIssue("Allowed first")]);
      const approved = await events(
        await decide(alice, id, lastCall(list).toolCallId, { decision: "approve", allowTool: true }, [createIssue("Allowed second"), { text: "Both filed." }]),
      );
      expect(approved.find((event) => event.type === "allowed")?.tools).toEqual(["github-create-issue"]);
      // The second call of the same tool ran without asking.
      expect(approved.filter((event) => event.type === "tool").map((event) => event.call!.status)).not.toContain("pending_approval");
      expect(titled("Allowed first")).toHaveLength(1);
      expect(titled("Allowed second")).toHaveLength(1);
      expect(textOf(approved)).toBe("Both filed.");
      expect((await getConversation(alice, id))!.approvedTools).toEqual(["github-create-issue"]);

      // A later message in the same conversation: still allowed.
      const later = await say(alice, id, "One more", [createIssue("Allowed third"), { text: "Filed." }]);
      expect(lastCall(later)).toMatchObject({ toolId: "github-create-issue", status: "succeeded" });
      expect(titled("Allowed third")).toHaveLength(1);

      // Another tool that writes still asks (api-call POST, even to a host approved in this conversation).
      const get = await say(alice, id, "Look outside", [apiCall(`${outside.url}/read`)]);
      await events(await decide(alice, id, lastCall(get).toolCallId, { decision: "approve" }, [{ text: "Read." }]));
      const post = await say(alice, id, "Post outside", [apiCall(`${outside.url}/write`, "POST")]);
      expect(lastCall(post)).toMatchObject({ toolId: "api-call", status: "pending_approval" });
      await events(await decide(alice, id, lastCall(post).toolCallId, { decision: "deny" }, [{ text: "Not posted." }]));
      expect(outside.received.map((request) => request.url)).toEqual(["/read"]);

      // Another conversation of the same person asks again.
      const other = await start(alice, "Elsewhere", [createIssue("Other conversation")]);
      expect(lastCall(other.list)).toMatchObject({ status: "pending_approval" });
      expect(titled("Other conversation")).toEqual([]);
      await events(await decide(alice, other.id, lastCall(other.list).toolCallId, { decision: "deny" }, [{ text: "Ok." }]));

      // Someone else cannot revoke it; the person can, and the tool asks again.
      const bob = await createUser("approvals-bob");
      expect(await revoke(bob, id, "github-create-issue")).toEqual({ error: "There is no such conversation of yours." });
      expect(await revoke(alice, id, "github-create-issue")).toEqual({
        ok: "github-create-issue asks for your approval again in this conversation.",
        tools: [],
      });
      expect(await revoke(alice, id, "github-create-issue")).toEqual({ error: "github-create-issue is not allowed in this conversation." });
      const asked = await say(alice, id, "And another", [createIssue("After revoking")]);
      expect(lastCall(asked)).toMatchObject({ toolId: "github-create-issue", status: "pending_approval" });
      expect(titled("After revoking")).toEqual([]);
      const [revoked] = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "agent_tool_revoked"), eq(auditEvents.actorId, alice.id)));
      expect(revoked).toMatchObject({ target: "github-create-issue", detail: { conversation: id } });
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await new Promise((resolve) => outside.server.close(resolve));
    }
  });

  it("still asks before an allowed api-call reaches a host not approved in the conversation", async () => {
    const first = await startOutside();
    const second = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const carol = await createUser("approvals-carol");
      const { id, list } = await start(carol, "Post things", [apiCall(`${first.url}/one`, "POST")]);
      const after = await events(
        await decide(carol, id, lastCall(list).toolCallId, { decision: "approve", allowTool: true }, [
          apiCall(`${first.url}/two`, "POST"),
          apiCall(`${second.url}/three`, "POST"),
        ]),
      );
      expect(first.received.map((request) => request.url)).toEqual(["/one", "/two"]);
      expect(second.received).toEqual([]);
      expect(lastCall(after)).toMatchObject({ status: "pending_approval", input: { endpoint: `${second.url}/three` } });
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await Promise.all([first, second].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("is refused to a viewer: the call keeps waiting and nothing is allowed", async () => {
    const owner = await createUser("approvals-owner");
    const vera = await createUser("approvals-vera", "member", { workspaceId: owner.workspaceId, role: "member" });
    const outside = await startOutside();
    process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
    try {
      const { id, list } = await start(vera, "Post it", [apiCall(`${outside.url}/post`, "POST")]);
      const held = lastCall(list);
      await setMemberRole(owner.workspaceId, "owner", vera.id, "viewer");
      const refused = await decide(vera, id, held.toolCallId, {
        decision: "approve",
        allowTool: true,
        input: { endpoint: `${outside.url}/edited`, method: "POST" },
      });
      expect(refused.status).toBe(403);
      expect(await findToolCall(id, held.toolCallId)).toMatchObject({ status: "pending_approval", proposedInput: null });
      expect((await getConversation(vera, id))!.approvedTools).toEqual([]);
      expect(outside.received).toEqual([]);
      expect((await loadMessages(id)).map((message) => message.role)).toEqual(["user", "assistant"]);
    } finally {
      delete process.env.HTTP_TOOL_ALLOWED_HOSTS;
      await new Promise((resolve) => outside.server.close(resolve));
    }
  });
});
