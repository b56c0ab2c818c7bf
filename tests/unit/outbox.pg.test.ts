import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { alerts, outboundMessages, webhookDeliveries } from "@/db/schema";
import { resetEnvCache } from "@/lib/platform/env";
import {
  affectedDeliveryCounts,
  causeOf,
  changeIssue,
  ENDPOINT_FAILING_STREAK,
  fingerprintOf,
  getIssue,
  issueCounts,
  listAlerts,
  openAlertCount,
  raiseAlert,
} from "@/lib/outbox/alerts";
import { createChannel } from "@/lib/outbox/alert-channels";
import { createDestination, destinationHealth, enqueueForwards, forwardsOfDelivery, replayForward, replayToUrl, sendTestEvent } from "@/lib/outbox/forwarding";
import { attemptsOf, enqueue, leaseDueMessages, recordAttempt, RESPONSE_HEAD_CHARS } from "@/lib/outbox/queue";
import { sendDueMessages } from "@/lib/server/outbox-sender";
import { insertAccepted, type DeliveryRow } from "@/lib/webhooks/deliveries";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import type { DeliveryHandler } from "@/lib/webhooks/handlers";
import { startFakeSlack, type FakeSlack } from "@/e2e/fakes/slack";
import { connections } from "@/db/schema";
import { getAccessToken } from "@/lib/connections/tokens";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";
import { startReceiver, type Receiver } from "../support/receiver";

let receiver: Receiver;
let slack: FakeSlack;
let github: FakeGitHub;
let sequence = 0;

beforeAll(async () => {
  receiver = await startReceiver();
  slack = await startFakeSlack();
  github = await startGitHubFake({ expiringTokens: true });
  process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";
  process.env.SLACK_API_URL = slack.url;
  process.env.SLACK_BOT_TOKEN = "xoxb-test-0000-slack-bot-token";
  // Retries at once, twice, so a test sees the whole schedule.
  process.env.WEBHOOK_RETRY_SCHEDULE = "0,0";
  resetEnvCache();
});
afterAll(async () => {
  await receiver.close();
  await slack.close();
  await github.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.status = 204;
  receiver.answerBytes = 0;
  receiver.answer = undefined;
  slack.messages.length = 0;
});

const processed: DeliveryHandler = async () => ({ note: "recorded" });
const failing: DeliveryHandler = async () => ({ error: "the workflow failed" });

async function deliver(workspaceId: string, endpointId: string | null, event = "pull_request", action: string | null = "opened"): Promise<number> {
  sequence++;
  const now = Date.now();
  return (await insertAccepted({
    workspaceId,
    endpointId,
    providerId: "github",
    dedupeKey: `outbox:${sequence}`,
    deliveryId: `d-${sequence}`,
    event,
    action,
    receivedAt: now,
    headers: { "content-type": "application/json", "x-github-event": event },
    body: JSON.stringify({ action, number: sequence }),
    bodyBytes: 30,
    verified: true,
    status: "received",
    nextAttemptAt: now,
  }))!;
}

async function drain(handle: DeliveryHandler = processed): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const work = (await processDueDeliveries({ handle, pollMs: 5 })) + (await sendDueMessages());
    if (work === 0) return;
  }
}

describe("forwarding", () => {
  it("forwards each verified delivery of the endpoint once, re-signed with Standard Webhooks, filtered by event.action", async () => {
    const user = await createUser("fwd");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const { secret } = await createDestination(user.workspaceId, {
      source: `github/${endpoint.id}`,
      url: `${receiver.url}/hooks`,
      events: "pull_request.opened push",
    });
    receiver.secret = secret;
    const opened = await deliver(user.workspaceId, endpoint.id, "pull_request", "opened");
    await deliver(user.workspaceId, endpoint.id, "pull_request", "closed");
    const push = await deliver(user.workspaceId, endpoint.id, "push", null);
    await deliver(user.workspaceId, null, "push", null); // the instance-wide URL: another source
    await drain();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.every((message) => message.verified)).toBe(true);
    const bodies = receiver.received.map((message) => JSON.parse(message.body) as { number: number });
    const stored = async (id: number) =>
      JSON.parse((await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!.body) as { number: number };
    expect(bodies).toEqual(expect.arrayContaining([await stored(opened), await stored(push)]));
    expect(receiver.received.map((message) => message.headers["patchbay-event"]).sort()).toEqual(["pull_request.opened", "push"]);

    const [forward] = await forwardsOfDelivery(user.workspaceId, opened);
    expect(forward).toMatchObject({ status: "delivered", url: `${receiver.url}/hooks`, lastStatusCode: 204 });
    expect(forward!.attempts).toHaveLength(1);
    expect(receiver.received.find((message) => message.id === forward!.id)).toBeDefined();
  });

  it("counts a receiver's 2xx by its status without reading a long answer", async () => {
    const user = await createUser("fwd-long-answer");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const { secret } = await createDestination(user.workspaceId, { source: `github/${endpoint.id}`, url: receiver.url, events: "" });
    receiver.secret = secret;
    receiver.status = 200;
    receiver.answerBytes = 2 * 1024 * 1024;
    const id = await deliver(user.workspaceId, endpoint.id);
    await drain();
    expect((await forwardsOfDelivery(user.workspaceId, id))[0]).toMatchObject({ status: "delivered", lastStatusCode: 200 });
  });

  it("retries a failing receiver on the schedule with the same webhook-id, then fails once with one alert", async () => {
    const user = await createUser("fwd-fail");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const { secret } = await createDestination(user.workspaceId, { source: `github/${endpoint.id}`, url: receiver.url, events: "" });
    receiver.secret = secret;
    receiver.status = 500;
    const id = await deliver(user.workspaceId, endpoint.id);
    await drain();

    const [forward] = await forwardsOfDelivery(user.workspaceId, id);
    expect(forward!.status).toBe("failed");
    expect(forward!.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500]); // first try + the schedule's two retries
    expect(new Set(receiver.received.map((message) => message.id))).toEqual(new Set([forward!.id]));
    expect((await listAlerts(user.workspaceId)).filter((alert) => alert.kind === "forward_failed")).toHaveLength(1);

    receiver.status = 200;
    expect(await replayForward(user.workspaceId, forward!.id)).toBe(true);
    await drain();
    const [replayed] = await forwardsOfDelivery(user.workspaceId, id);
    expect(replayed).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    expect(replayed!.attempts).toHaveLength(4);
  });

  it("refuses private destinations and another user's endpoint, and keeps forwards to each user's own", async () => {
    const owner = await createUser("fwd-owner");
    const other = await createUser("fwd-other");
    const { endpoint } = await createEndpoint(owner, { providerId: "github", description: "", events: [] });
    await expect(createDestination(other.workspaceId, { source: `github/${endpoint.id}`, url: receiver.url })).rejects.toThrow(/does not exist/);
    await expect(createDestination(owner.workspaceId, { source: `github/${endpoint.id}`, url: "http://10.0.0.8/hook" })).rejects.toThrow(/private/);
    await expect(createDestination(owner.workspaceId, { source: `github/${endpoint.id}`, url: "http://[::ffff:169.254.169.254]/" })).rejects.toThrow(
      /private|link-local/,
    );
    const { destination } = await createDestination(owner.workspaceId, { source: `github/${endpoint.id}`, url: receiver.url });
    expect(await replayForward(other.workspaceId, destination.id)).toBe(false);
  });
  it("tells the person that a destination's address is not allowed, never what its name resolved to", async () => {
    const user = await createUser("fwd-resolves");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    await createDestination(user.workspaceId, { source: `github/${endpoint.id}`, url: `http://localhost:${new URL(receiver.url).port}/hook`, events: "" });
    const id = await deliver(user.workspaceId, endpoint.id);
    await drain();

    const [forward] = await forwardsOfDelivery(user.workspaceId, id);
    expect(forward).toMatchObject({ id: expect.any(String), status: "failed" });
    expect(forward!.attempts.map((attempt) => attempt.error)).toEqual([
      "Refused: the address of localhost is not allowed (private, loopback and link-local addresses are refused).",
    ]);
    const [alert] = (await listAlerts(user.workspaceId)).filter((candidate) => candidate.kind === "forward_failed" && candidate.link === `/webhooks/${id}`);
    expect(alert?.detail).toContain("the address of localhost is not allowed");
    const shown = JSON.stringify([forward, alert]);
    expect(shown).not.toMatch(/127\.0\.0\.1|::1|resolves to/);
    expect(receiver.received).toEqual([]);
  });
});

describe("forwarding health, test events and replays", () => {
  it("keeps the head of each answer, shows each destination's health, sends a test event, and replays to another URL with an edited payload", async () => {
    const user = await createUser("fwd-health");
    const other = await createUser("fwd-health-other");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const { destination, secret } = await createDestination(user.workspaceId, { source: `github/${endpoint.id}`, url: `${receiver.url}/hooks`, events: "" });
    receiver.secret = secret;
    receiver.status = 500;
    receiver.answer = JSON.stringify({ error: "repository not found", trace: "x".repeat(5000) });
    const id = await deliver(user.workspaceId, endpoint.id);
    await drain();

    const [forward] = await forwardsOfDelivery(user.workspaceId, id);
    expect(forward!.attempts).toHaveLength(3);
    for (const attempt of forward!.attempts) {
      expect(attempt.responseHead).toMatch(/^\{"error":"repository not found"/);
      expect(attempt.responseHead!.length).toBe(RESPONSE_HEAD_CHARS);
    }
    expect((await destinationHealth(user.workspaceId)).get(destination.id)).toMatchObject({
      attempts: 3,
      succeeded: 0,
      successRate: 0,
      lastSuccessAt: null,
      lastError: { statusCode: 500, error: "the receiver answered 500", responseHead: expect.stringContaining("repository not found") },
    });

    receiver.status = 200;
    receiver.answer = JSON.stringify({ ok: true });
    await expect(sendTestEvent(other.workspaceId, destination.id)).rejects.toThrow(/does not exist/);
    await sendTestEvent(user.workspaceId, destination.id);
    await drain();
    const test = receiver.received.at(-1)!;
    expect(test).toMatchObject({ verified: true, path: "/hooks", headers: expect.objectContaining({ "patchbay-event": "patchbay.test" }) });
    expect(JSON.parse(test.body)).toMatchObject({ type: "patchbay.test", destination: destination.id });
    const healthy = (await destinationHealth(user.workspaceId)).get(destination.id)!;
    expect(healthy).toMatchObject({ attempts: 4, succeeded: 1, successRate: 0.25 });
    expect(healthy.lastSuccessAt).not.toBeNull();

    const edited = JSON.stringify({ action: "opened", edited: true });
    await expect(replayToUrl(user.workspaceId, { deliveryId: id, destinationId: destination.id, url: "http://10.0.0.8/hook" })).rejects.toThrow(/private/);
    await expect(replayToUrl(other.workspaceId, { deliveryId: id, destinationId: destination.id, url: "" })).rejects.toThrow(/does not exist/);
    await replayToUrl(user.workspaceId, { deliveryId: id, destinationId: destination.id, url: `${receiver.url}/elsewhere`, body: edited });
    await drain();
    const replayed = receiver.received.at(-1)!;
    expect(replayed).toMatchObject({ verified: true, path: "/elsewhere", body: edited });
    const forwards = await forwardsOfDelivery(user.workspaceId, id);
    expect(forwards.map((entry) => [entry.kind, entry.url, entry.edited, entry.status])).toEqual([
      ["forward", `${receiver.url}/hooks`, false, "failed"],
      ["replay", `${receiver.url}/elsewhere`, true, "delivered"],
    ]);
    // A failed replay or test is not a forward that failed: no new issue from them.
    expect((await listAlerts(user.workspaceId)).filter((alert) => alert.kind === "forward_failed")).toHaveLength(1);
  });
});

describe("issues: alerts grouped by cause", () => {
  const HOUR = 3_600_000;
  /** Fails the way a missing repository does: the same 404, with a different request id and number each time. */
  const missingRepository: DeliveryHandler = async (delivery) => ({
    error: `GitHub answered 404 for /repos/octo/gone/issues/${delivery.id} (request ${crypto.randomUUID()}, sha 9f86d081884c7d65)`,
  });
  const sentOf = (kind: string) => receiver.received.map((message) => JSON.parse(message.body)).filter((body) => body.data.kind === kind);

  it("takes ids, hex and numbers out of an error, keeping an HTTP status", () => {
    expect(causeOf("GitHub answered 404 for /repos/octo/gone/issues/17 (request 0b5e2b4e-3c1a-4f55-9a57-2d9a3e1f4c11, sha 9f86d081884c7d65)")).toBe(
      "GitHub answered 404 for /repos/octo/gone/issues/<n> (request <id>, sha <id>)",
    );
    expect(causeOf("timed out after 15000 ms")).toBe("timed out after <n> ms");
    expect(fingerprintOf({ kind: "delivery_failed", subject: "s", error: "answered 404 at 12" })).toBe(
      fingerprintOf({ kind: "delivery_failed", subject: "s", error: "answered 404 at 13" }),
    );
    expect(fingerprintOf({ kind: "delivery_failed", subject: "s", error: "answered 404" })).not.toBe(
      fingerprintOf({ kind: "delivery_failed", subject: "s", error: "answered 500" }),
    );
  });

  it("counts deliveries failing the same way on one issue, with its deliveries, and tells each channel once", async () => {
    const user = await createUser("issues", "owner"); // its Slack channel posts with SLACK_BOT_TOKEN, an owner's
    const { secret } = await createChannel(user, { kind: "webhook", target: `${receiver.url}/alerts` });
    await createChannel(user, { kind: "slack", target: "#general" });
    receiver.secret = secret;
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    const ids = [];
    for (let index = 0; index < 3; index++) ids.push(await deliver(user.workspaceId, endpoint.id, "issues", "opened"));
    await drain(missingRepository); // each fails three times: the first attempt and two retries

    const issues = (await listAlerts(user.workspaceId, { view: "open" })).filter((alert) => alert.kind === "delivery_failed");
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue).toMatchObject({ occurrences: 3, status: "open", openings: 1, subject: `source:github/${endpoint.id}:issues.opened` });
    expect(issue.lastSeenAt).toBeGreaterThanOrEqual(issue.createdAt);
    const found = await getIssue(user.workspaceId, issue.id);
    expect(found!.deliveries.map((delivery) => delivery.id).sort()).toEqual([...ids].sort());
    expect((await affectedDeliveryCounts([issue.id])).get(issue.id)).toBe(3);

    const told = sentOf("delivery_failed");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ type: "issue.opened", data: { id: issue.id, url: expect.stringContaining(`/alerts/${issue.id}`) } });
    expect(receiver.received.every((message) => message.verified)).toBe(true);
    expect(slack.messages.filter((message) => String(message.text).includes(issue.title))).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ text: expect.stringContaining(`/alerts/`) });

    // Another cause on the same source is another issue.
    await deliver(user.workspaceId, endpoint.id, "issues", "opened");
    await drain(async () => ({ error: "Linear answered 500" }));
    expect((await listAlerts(user.workspaceId, { view: "open" })).filter((alert) => alert.kind === "delivery_failed")).toHaveLength(2);
  });

  it("opens a resolved issue again when it recurs and tells the channels once more; an ignored one stays quiet", async () => {
    const user = await createUser("issues-reopen", "owner");
    const { secret } = await createChannel(user, { kind: "webhook", target: `${receiver.url}/alerts` });
    receiver.secret = secret;
    const occurrence = {
      kind: "token_refresh_failed" as const,
      subject: "connection:z",
      error: "refresh refused (503 at 10:02)",
      title: "GitHub refresh failed",
      link: "/connections",
    };
    const first = await raiseAlert(user.workspaceId, occurrence);
    expect(first).toEqual({ id: expect.any(String), opened: true });
    expect(await raiseAlert(user.workspaceId, { ...occurrence, error: "refresh refused (503 at 10:07)" })).toEqual({ id: first!.id, opened: false });
    await drain();
    expect(sentOf("token_refresh_failed").map((body) => body.type)).toEqual(["issue.opened"]);

    expect(await changeIssue(user.workspaceId, first!.id, { to: "resolved" })).toBe(true);
    expect(await openAlertCount(user.workspaceId)).toBe(0);
    expect(await raiseAlert(user.workspaceId, occurrence)).toEqual({ id: first!.id, opened: true });
    await drain();
    expect(sentOf("token_refresh_failed").map((body) => body.type)).toEqual(["issue.opened", "issue.reopened"]);
    expect(sentOf("token_refresh_failed")[1].data).toMatchObject({ occurrences: 3 });

    expect(await changeIssue(user.workspaceId, first!.id, { to: "ignored" })).toBe(true);
    expect(await raiseAlert(user.workspaceId, occurrence)).toEqual({ id: first!.id, opened: false });
    await drain();
    expect(sentOf("token_refresh_failed")).toHaveLength(2);
    const [ignored] = await listAlerts(user.workspaceId, { view: "ignored" });
    expect(ignored).toMatchObject({ id: first!.id, status: "ignored", occurrences: 4 });
    expect(await issueCounts(user.workspaceId)).toEqual({ open: 0, muted: 0, ignored: 1, resolved: 0 });
  });

  it("keeps a muted issue quiet until its time is up, then opens it again on the next occurrence", async () => {
    const user = await createUser("issues-mute", "owner");
    const { secret } = await createChannel(user, { kind: "webhook", target: `${receiver.url}/alerts` });
    receiver.secret = secret;
    const start = Date.now();
    const occurrence = { kind: "endpoint_failing" as const, subject: "endpoint:github/x", title: "Deliveries keep failing", link: "/webhooks" };
    const { id } = (await raiseAlert(user.workspaceId, occurrence, start))!;
    expect(await changeIssue(user.workspaceId, id, { to: "muted", hours: 8 }, start)).toBe(true);
    expect(await issueCounts(user.workspaceId, start + HOUR)).toMatchObject({ open: 0, muted: 1 });
    expect(await raiseAlert(user.workspaceId, occurrence, start + HOUR)).toEqual({ id, opened: false });
    // Past the mute, it counts as open again, and its next occurrence tells the channels.
    expect(await issueCounts(user.workspaceId, start + 9 * HOUR)).toMatchObject({ open: 1, muted: 0 });
    expect(await raiseAlert(user.workspaceId, occurrence, start + 9 * HOUR)).toEqual({ id, opened: true });
    expect((await db().select().from(outboundMessages).where(eq(outboundMessages.alertId, id))).map((message) => message.alertOpening).sort()).toEqual([1, 2]);
  });

  it("keeps each workspace's issues to itself", async () => {
    const one = await createUser("alerts-one");
    const two = await createUser("alerts-two");
    const { id } = (await raiseAlert(one.workspaceId, { kind: "token_refresh_failed", subject: "connection:x", title: "t", link: "/connections" }))!;
    expect(await openAlertCount(two.workspaceId)).toBe(0);
    expect(await changeIssue(two.workspaceId, id, { to: "resolved" })).toBe(false);
    expect(await getIssue(two.workspaceId, id)).toBeUndefined();
    expect((await db().select().from(alerts).where(eq(alerts.id, id)))[0]!.status).toBe("open");
  });

  it("queues nothing for a workspace without channels", async () => {
    const user = await createUser("no-channels");
    await raiseAlert(user.workspaceId, { kind: "token_refresh_failed", subject: "connection:y", title: "t", link: "/connections" });
    expect(await db().select().from(outboundMessages).where(eq(outboundMessages.workspaceId, user.workspaceId))).toHaveLength(0);
  });

  it("raises endpoint_failing once after a streak of failed attempts", async () => {
    const user = await createUser("streak");
    const { endpoint } = await createEndpoint(user, { providerId: "github", description: "", events: [] });
    for (let index = 0; index < ENDPOINT_FAILING_STREAK; index++) await deliver(user.workspaceId, endpoint.id, "push", null);
    await drain(failing);
    const failingAlerts = (await listAlerts(user.workspaceId)).filter((alert) => alert.kind === "endpoint_failing");
    expect(failingAlerts).toHaveLength(1);
    expect(failingAlerts[0]!.subject).toBe(`endpoint:github/${endpoint.id}`);
  });
});

describe("connection alerts", () => {
  it("a refresh refused with invalid_grant raises one needs-reconnect alert, however often the token is asked for", async () => {
    const user = await createUser("reconnect");
    const { connection } = await connectGitHub(user.id);
    await db()
      .update(connections)
      .set({ expiresAt: new Date(Date.now() + 60_000) })
      .where(eq(connections.id, connection.id));
    github.refreshTokens.clear();
    await expect(getAccessToken(user.id, "github")).rejects.toThrow(/Reconnect/);
    await expect(getAccessToken(user.id, "github")).rejects.toThrow(/reconnect/);
    expect(await listAlerts(user.workspaceId, { view: "open" })).toEqual([
      expect.objectContaining({ kind: "connection_needs_reconnect", subject: `connection:${connection.id}`, link: "/connections" }),
    ]);
  });
});

describe("the outbox's leases", () => {
  it("drops the late result of a sender whose lease ran out and was taken over", async () => {
    const owner = await createUser("outbox-lease");
    await db().delete(outboundMessages);
    const start = Date.now();
    expect(await enqueue([{ workspaceId: owner.workspaceId, kind: "alert" }], start)).toBe(1);
    const [first] = await leaseDueMessages(start, 16, 1000);
    expect(await leaseDueMessages(start + 500, 16, 1000)).toEqual([]); // still held
    const [second] = await leaseDueMessages(start + 1001, 16, 1000); // the first sender stalled
    expect(second!.id).toBe(first!.id);
    expect(await recordAttempt(first!, start, { ok: false, error: "late and stale" }, start + 1500)).toBe("sending");
    expect(await recordAttempt(second!, start + 1001, { ok: true, statusCode: 204 }, start + 1100)).toBe("delivered");
    expect((await attemptsOf([first!.id])).map((attempt) => [attempt.number, attempt.statusCode])).toEqual([[2, 204]]);
    expect((await db().select().from(outboundMessages).where(eq(outboundMessages.id, first!.id)))[0]).toMatchObject({
      status: "delivered",
      attempts: 2,
      lastError: null,
    });
  });

  it("never lets two senders leasing at the same moment take the same message", async () => {
    const owner = await createUser("outbox-lease-race");
    await db().delete(outboundMessages);
    const now = Date.now();
    await enqueue(
      Array.from({ length: 20 }, () => ({ workspaceId: owner.workspaceId, kind: "alert" as const })),
      now,
    );
    const taken = (await Promise.all(Array.from({ length: 5 }, () => leaseDueMessages(now, 6)))).flat().map((message) => message.id);
    expect(taken).toHaveLength(20);
    expect(new Set(taken).size).toBe(20);
  });
});

/** A destination that never answers while it holds: it counts what arrived and how many it held at once. */
type Holder = { url: string; arrived: number; held: ServerResponse[]; mostHeld: number; release: () => void; close: () => void };

const openHolders: Holder[] = [];
afterEach(() => {
  for (const holder of openHolders.splice(0)) holder.close();
});

async function startHolder(): Promise<Holder> {
  let holding = true;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      holder.arrived++;
      if (!holding) return void response.writeHead(204).end();
      holder.held.push(response);
      holder.mostHeld = Math.max(holder.mostHeld, holder.held.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const holder: Holder = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrived: 0,
    held: [],
    mostHeld: 0,
    release: () => {
      holding = false;
      for (const response of holder.held.splice(0)) response.writeHead(204).end();
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
  openHolders.push(holder);
  return holder;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 40_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Queues `count` forwards of new deliveries to the workspace's destinations, created `at` (so older ones are due first). */
async function queueForwards(workspaceId: string, endpointId: string, count: number, at: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    sequence++;
    const id = (await insertAccepted({
      workspaceId,
      endpointId,
      providerId: "github",
      dedupeKey: `slots:${sequence}`,
      deliveryId: `s-${sequence}`,
      event: "push",
      receivedAt: at,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ number: sequence }),
      bodyBytes: 20,
      verified: true,
      status: "processed",
    }))!;
    await enqueueForwards({ id, workspaceId, endpointId, providerId: "github", event: "push", action: null, verified: true } as DeliveryRow, at);
  }
}

async function statuses(workspaceId: string): Promise<Record<string, number>> {
  const messages = await db().select({ status: outboundMessages.status }).from(outboundMessages).where(eq(outboundMessages.workspaceId, workspaceId));
  const counts: Record<string, number> = {};
  for (const { status } of messages) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe("the outbox's slots", () => {
  const slots = { total: 8, perOrigin: 2, perPerson: 3 };

  it("a destination that never answers holds only its origin's slots; another person's forwards go out meanwhile, one after another", async () => {
    await db().delete(outboundMessages);
    const slow = await startHolder();
    const member = await createUser("slots-member");
    const owner = await createUser("slots-owner");
    const memberEndpoint = (await createEndpoint(member, { providerId: "github", description: "", events: [] })).endpoint;
    const ownerEndpoint = (await createEndpoint(owner, { providerId: "github", description: "", events: [] })).endpoint;
    await createDestination(member.workspaceId, { source: `github/${memberEndpoint.id}`, url: slow.url });
    receiver.secret = (await createDestination(owner.workspaceId, { source: `github/${ownerEndpoint.id}`, url: `${receiver.url}/owner` })).secret;
    // The member's 40 forwards are all due before the owner's 5: more than one lease looks at (32).
    const start = Date.now() - 10_000;
    await queueForwards(member.workspaceId, memberEndpoint.id, 40, start);
    await queueForwards(owner.workspaceId, ownerEndpoint.id, 5, start + 1000);

    const sending = sendDueMessages({ slots });
    let memberMeanwhile: Record<string, number> = {};
    try {
      // More than the origin's slots: a finished send's slot went to the owner's next forward at once.
      await until(() => receiver.received.length === 5, "the owner's five forwards");
      memberMeanwhile = await statuses(member.workspaceId);
      // The leased sends may still be on their way to the slow server on a busy machine: let them arrive.
      await until(() => slow.held.length === slots.perOrigin, "the slow destination to hold its origin's slots");
    } finally {
      slow.release();
    }
    const attempts = await sending;
    expect(memberMeanwhile).toEqual({ sending: slots.perOrigin, pending: 40 - slots.perOrigin });
    expect(attempts).toBe(45);
    expect(slow.mostHeld).toBe(slots.perOrigin);
    expect(receiver.received.every((message) => message.verified)).toBe(true);
    expect(await statuses(member.workspaceId)).toEqual({ delivered: 40 });
    expect(await statuses(owner.workspaceId)).toEqual({ delivered: 5 });
  }, 60_000);

  it("one person's destinations together hold at most that person's slots", async () => {
    await db().delete(outboundMessages);
    const holders = await Promise.all([startHolder(), startHolder(), startHolder()]);
    const member = await createUser("slots-person");
    const owner = await createUser("slots-person-owner");
    const memberEndpoint = (await createEndpoint(member, { providerId: "github", description: "", events: [] })).endpoint;
    const ownerEndpoint = (await createEndpoint(owner, { providerId: "github", description: "", events: [] })).endpoint;
    for (const holder of holders) await createDestination(member.workspaceId, { source: `github/${memberEndpoint.id}`, url: holder.url });
    receiver.secret = (await createDestination(owner.workspaceId, { source: `github/${ownerEndpoint.id}`, url: `${receiver.url}/owner` })).secret;
    const start = Date.now() - 10_000;
    await queueForwards(member.workspaceId, memberEndpoint.id, 4, start); // 4 deliveries x 3 destinations
    await queueForwards(owner.workspaceId, ownerEndpoint.id, 1, start + 1000);

    const sending = sendDueMessages({ slots });
    let memberMeanwhile: Record<string, number> = {};
    try {
      await until(() => receiver.received.length === 1, "the owner's forward");
      memberMeanwhile = await statuses(member.workspaceId);
      // The leased sends may still be on their way to the holders on a busy machine: let them arrive.
      await until(() => holders.reduce((sum, holder) => sum + holder.held.length, 0) === slots.perPerson, "the person's sends to arrive");
    } finally {
      for (const holder of holders) holder.release();
    }
    const attempts = await sending;
    expect(memberMeanwhile).toEqual({ sending: slots.perPerson, pending: 12 - slots.perPerson });
    expect(attempts).toBe(13);
    // Nothing is answered while held, so the most each held is what they held together at the end.
    expect(holders.reduce((sum, holder) => sum + holder.mostHeld, 0)).toBe(slots.perPerson);
    expect(holders.every((holder) => holder.mostHeld <= slots.perOrigin)).toBe(true);
    expect(await statuses(member.workspaceId)).toEqual({ delivered: 12 });
  }, 60_000);
});
