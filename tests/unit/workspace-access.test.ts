import { globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createUser, type TestUser } from "../support/helpers";

/**
 * Workspaces and roles, checked the way an attacker would: every server action (every function
 * exported by an app/**\/actions.ts) and every route handler under app/api is found on disk and
 * called with the ids of another workspace's things, and as a viewer with the ids of their own
 * workspace's things. Neither may change anything of the workspace (its endpoints, deliveries,
 * forwarding, alerts, imported APIs, runs, people, invites, shared connections) nor read it: a new
 * action or route is covered without editing this file.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { db } = await import("@/db/client");
const { createEndpoint } = await import("@/lib/webhooks/endpoints");
const { createDestination } = await import("@/lib/outbox/forwarding");
const { createChannel } = await import("@/lib/outbox/alert-channels");
const { raiseAlert } = await import("@/lib/outbox/alerts");
const { createInvite } = await import("@/lib/auth/invites");
const { saveImport } = await import("@/lib/openapi/store");
const { allowTool, createConversation } = await import("@/lib/agent/conversations");
const { webhookDeliveries, toolRuns } = await import("@/db/schema");

const APP = "http://localhost:3000";

/** The workspace's things, as rows: what no refused call may change. */
const WORKSPACE_TABLES = [
  "webhook_endpoints",
  "webhook_deliveries",
  "forward_destinations",
  "alert_channels",
  "alerts",
  "outbound_messages",
  "openapi_specs",
  "openapi_operations",
  "tool_runs",
  "workflow_runs",
  "memberships",
  "invites",
  "agent_conversations",
];

function snapshot(workspaceId: string): Record<string, unknown[]> {
  const client = db().$client;
  const rows: Record<string, unknown[]> = {};
  for (const table of WORKSPACE_TABLES) rows[table] = client.prepare(`select * from "${table}" where workspace_id = ? order by rowid`).all(workspaceId);
  rows.connections = client.prepare(`select * from connections where workspace_id = ? order by rowid`).all(workspaceId);
  rows.workspace = client.prepare(`select * from workspaces where id = ?`).all(workspaceId);
  return rows;
}

type Ids = Record<string, string>;

let owner: TestUser;
let viewer: TestUser;
let member: TestUser;
let stranger: TestUser;
const ids: Ids = {};

beforeAll(async () => {
  owner = await createUser("owner-a");
  viewer = await createUser("viewer-a", "member", { workspaceId: owner.workspaceId, role: "viewer" });
  member = await createUser("member-a", "member", { workspaceId: owner.workspaceId, role: "member" });
  stranger = await createUser("owner-b");
  const { endpoint } = await createEndpoint(owner, { providerId: "github", description: "A's endpoint", events: [] });
  ids.endpointId = endpoint.id;
  const { destination } = await createDestination(owner.workspaceId, { source: "github", url: "https://forward.example/hook", events: "" });
  ids.destinationId = destination.id;
  const { channel } = await createChannel(owner, { kind: "webhook", target: "https://alerts.example/hook" });
  ids.channelId = channel.id;
  ids.alertId = (await raiseAlert(owner.workspaceId, { kind: "delivery_failed", subject: "delivery:1", title: "A failed", detail: "", link: "/" }))!.id;
  const [delivery] = await db()
    .insert(webhookDeliveries)
    .values({
      workspaceId: owner.workspaceId,
      endpointId: endpoint.id,
      providerId: "github",
      receivedAt: Date.now(),
      headers: {},
      body: "{}",
      bodyBytes: 2,
      verified: true,
      status: "failed",
    })
    .returning({ id: webhookDeliveries.id });
  ids.deliveryId = String(delivery!.id);
  const [run] = await db()
    .insert(toolRuns)
    .values({ userId: owner.id, workspaceId: owner.workspaceId, toolId: "api-call", input: {}, status: "failed", startedAt: Date.now() })
    .returning({ id: toolRuns.id });
  ids.runId = run!.id;
  const petstore = readFileSync(join(__dirname, "../fixtures/openapi/petstore-3.0.yaml"), "utf8");
  const spec = await saveImport(owner.workspaceId, { source: { kind: "text", text: petstore }, serverUrl: "https://pets.example/v1", auth: { kind: "none" } });
  ids.specId = spec.id;
  ids.inviteId = (await createInvite(owner.workspaceId, owner.id, "new@example.com", "member")).id;
  ids.userId = viewer.id;
  ids.conversationId = (await createConversation(owner, "A conversation of the owner's")).id;
  // A tool allowed in it, so taking the allowance back is a change the snapshot would see.
  await allowTool(ids.conversationId, "github-create-issue");
}, 60_000);

/** A form naming the target workspace's things under every field name the actions read. */
function formFor(target: Ids, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  const fields: Record<string, string> = {
    ...target,
    messageId: "x",
    toolId: "github-create-issue",
    connectionId: "x",
    tokenId: "00000000-0000-4000-8000-000000000000",
    providerId: "github",
    role: "owner",
    email: "someone@example.com",
    name: "Renamed",
    enabled: "false",
    share: "1",
    source: "github",
    url: "https://forward.example/other",
    kind: "webhook",
    target: "https://alerts.example/other",
    events: "push",
    to: "resolved",
    hours: "1",
    repository: "octo/repo",
    password: "a long enough password 123",
    newPassword: "a long enough password 123",
    confirmPassword: "a long enough password 123",
    currentPassword: "wrong",
    requireSecondFactor: "on",
    apiKey: "5555eeee5555eeee5555eeee5555eeee",
    workspaceId: target.workspaceId ?? "x",
    ...extra,
  };
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

type AnyAction = (...args: unknown[]) => Promise<unknown>;

/** The arguments an action takes when it is not a form action (previous state, form). */
function argumentsFor(name: string, form: FormData, target: Ids): unknown[] {
  switch (name) {
    case "runToolAction":
    case "startWorkflowAction":
      return ["api-call", { endpoint: "https://example.com" }, { deliveryId: Number(target.deliveryId) }];
    case "toolLookupsAction":
      return ["github-create-issue", { github: target.connectionId ?? "x" }];
    case "deleteImportedApiAction":
      return [target.specId];
    case "saveToolChoicesAction":
      return [target.specId, []];
    case "switchWorkspaceAction":
      return [form];
    case "resolveAllAction":
      return [];
    default:
      return [undefined, form];
  }
}

async function serverActions(): Promise<{ file: string; name: string; action: AnyAction }[]> {
  const found = [];
  for (const file of globSync("app/**/actions.ts").sort()) {
    const exported = (await import(/* @vite-ignore */ join(process.cwd(), file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) if (typeof value === "function") found.push({ file, name, action: value as AnyAction });
  }
  return found;
}

/** Runs an action as a person; what it throws (a redirect, a refusal) is part of the answer, not a failure of the test. */
async function callAs(person: TestUser, action: AnyAction, args: unknown[]): Promise<unknown> {
  session.current = { user: { id: person.id } };
  try {
    return await action(...args);
  } catch (error) {
    return error;
  } finally {
    session.current = null;
  }
}

/** Actions on the person's own account (or only reading): a viewer may run them, and they change nothing of the workspace. */
const OWN_ACCOUNT = new Set([
  "signOutAction",
  "switchWorkspaceAction",
  "changeOwnPasswordAction",
  "createTokenAction",
  "revokeTokenAction",
  "startTwoFactorSetup",
  "confirmTwoFactorSetup",
  "disableTwoFactor",
  "newRecoveryCodes",
  // A saved view of the log is the person's own (per person and workspace), as any role may keep one.
  "saveViewAction",
  "deleteViewAction",
  // Takes back a tool allowed in the person's own agent conversation: it only takes a permission away.
  "revokeAllowedToolAction",
]);

/** What only admins and owners manage: endpoints, forwarding, alert channels, imported APIs, people, invites, the workspace. */
const ADMIN_ONLY = new Set([
  "createEndpointAction",
  "rotateEndpointAction",
  "deleteEndpointAction",
  "registerGitHubHookAction",
  "pingHookAction",
  "registerStripeAction",
  "createDestinationAction",
  "toggleDestinationAction",
  "deleteDestinationAction",
  "sendTestEventAction",
  "replayToUrlAction",
  "createChannelAction",
  "deleteChannelAction",
  "deleteImportedApiAction",
  "saveToolChoicesAction",
  "createMember",
  "changeRoleAction",
  "resetPasswordAction",
  "removeUserAction",
  "inviteAction",
  "revokeInviteAction",
  "workspaceSettingsAction",
  "createWorkspaceAction",
  "disconnectSharedAction",
  "saveSharedApiKeyAction",
  "turnOffSecondFactorAction",
  "addProviderToolsAction",
]);

describe("server actions keep to the person's workspace and role", async () => {
  const actions = await serverActions();

  it("finds the actions (replay, endpoints, forwarding, people, invites at least)", () => {
    expect(actions.map(({ name }) => name)).toEqual(
      expect.arrayContaining([
        "replayDeliveryAction",
        "createEndpointAction",
        "createDestinationAction",
        "changeRoleAction",
        "inviteAction",
        "revokeInviteAction",
      ]),
    );
  });

  for (const { file, name, action } of actions) {
    it(`${file} ${name}: another workspace's owner changes nothing of this one`, async () => {
      const target = { ...ids, workspaceId: owner.workspaceId };
      const before = snapshot(owner.workspaceId);
      await callAs(stranger, action, argumentsFor(name, formFor(target), target));
      expect(snapshot(owner.workspaceId)).toEqual(before);
    });

    it(`${file} ${name}: a viewer changes nothing of their workspace`, async () => {
      const target = { ...ids, workspaceId: owner.workspaceId };
      const before = snapshot(owner.workspaceId);
      const answer = await callAs(viewer, action, argumentsFor(name, formFor(target), target));
      expect(snapshot(owner.workspaceId)).toEqual(before);
      if (!OWN_ACCOUNT.has(name) && answer && typeof answer === "object" && "ok" in answer)
        expect.fail(`${name} answered ok to a viewer: ${JSON.stringify(answer)}`);
    });

    if (ADMIN_ONLY.has(name)) {
      it(`${file} ${name}: a member changes nothing admins manage`, async () => {
        const target = { ...ids, workspaceId: owner.workspaceId };
        const before = snapshot(owner.workspaceId);
        await callAs(member, action, argumentsFor(name, formFor(target), target));
        expect(snapshot(owner.workspaceId)).toEqual(before);
      });
    }
  }

  it("knows every admin-only action it checks", () => {
    expect([...ADMIN_ONLY].filter((name) => !actions.some((found) => found.name === name))).toEqual([]);
  });
});

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** Route handlers behind a session (not intake, Auth.js, MCP's bearer routes or the OAuth endpoints MCP clients call). */
const routeFiles = globSync("app/api/**/route.ts")
  .map((file) => file.split("\\").join("/"))
  .filter((file) => !/^app\/api\/(webhooks|auth|mcp|oauth|health)\//.test(file))
  .sort();

/** The route's dynamic segments filled with the other workspace's ids. */
function paramsFor(file: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [, name] of file.matchAll(/\[(\w+)\]/g))
    params[name!] = { runId: ids.runId!, id: "conversation", provider: "github", toolCallId: "x" }[name!] ?? "x";
  return params;
}

function urlFor(file: string, params: Record<string, string>): string {
  return `${APP}/${file
    .replace(/\/route\.ts$/, "")
    .replace(/^app\//, "")
    .replace(/\[(\w+)\]/g, (_, name: string) => params[name]!)}`;
}

describe("route handlers keep to the person's workspace and role", async () => {
  const handlers: { file: string; method: string; handler: Handler }[] = [];
  for (const file of routeFiles) {
    const route = (await import(/* @vite-ignore */ join(process.cwd(), file))) as Record<string, Handler>;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) if (route[method]) handlers.push({ file, method, handler: route[method] });
  }

  it("finds the routes (OpenAPI import, run stream at least)", () => {
    expect(handlers.map(({ method, file }) => `${method} ${file}`)).toEqual(
      expect.arrayContaining(["POST app/api/openapi/imports/route.ts", "GET app/api/runs/[runId]/stream/route.ts"]),
    );
  });

  const body = JSON.stringify({ source: { kind: "text", text: "openapi: 3.0.0" }, message: "hello", decision: "approve" });
  for (const { file, method, handler } of handlers) {
    it(`${method} ${file}: another workspace's ids find nothing, a viewer writes nothing`, async () => {
      const params = paramsFor(file);
      for (const person of [stranger, viewer]) {
        const before = snapshot(owner.workspaceId);
        session.current = { user: { id: person.id } };
        const response = await handler(
          new Request(urlFor(file, params), {
            method,
            headers: { "content-type": "application/json", origin: APP, "sec-fetch-site": "same-origin" },
            body: method === "GET" ? undefined : body,
          }),
          { params: Promise.resolve(params) },
        );
        session.current = null;
        expect(snapshot(owner.workspaceId)).toEqual(before);
        if (person === stranger && file.includes("[runId]")) expect([403, 404]).toContain(response.status);
        if (person === viewer && method !== "GET") expect([403, 404]).toContain(response.status);
        await response.body?.cancel();
      }
    });
  }
});
