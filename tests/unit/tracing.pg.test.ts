import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as instanceRoute from "@/app/api/webhooks/[provider]/route";
import { db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { resetEnvCache } from "@/lib/platform/env";
import { flushTraces, startTracing, stopTracing, tracingConfigured } from "@/lib/platform/tracing";
import { createLocalUser } from "@/lib/auth/users";
import { processDueDeliveries } from "@/lib/webhooks/dispatcher";
import { connectGitHub } from "../support/helpers";
import { startServices, type Services } from "../support/services";
import { githubHeaders, pushPayload } from "../support/signers";

/** What an OTLP/HTTP collector receives as JSON (the parts this test reads). */
type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
};
type OtlpExport = { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };

/** A local OTLP/HTTP trace receiver: keeps every export's raw text, as a collector at /v1/traces would get it. */
function startReceiver(): Promise<{ url: string; exports: string[]; server: Server }> {
  const exports: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/v1/traces" && (request.headers["content-type"] ?? "").includes("json")) {
        exports.push(Buffer.concat(chunks).toString("utf8"));
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else response.writeHead(404).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports, server })),
  );
}

const spansOf = (exports: string[]): OtlpSpan[] =>
  exports.flatMap((text) => (JSON.parse(text) as OtlpExport).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));

function attribute(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const value = span.attributes?.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue);
}

const SECRET = "tracing-test-webhook-secret";
const COMMIT_MESSAGE = "Traced body\n\nTODO: a secret-looking todo 7f3a9c";
let services: Services;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const saved = { ...process.env };

beforeAll(async () => {
  services = await startServices();
  receiver = await startReceiver();
  const userId = (await createLocalUser({ name: "Owner", email: "owner-tracing@example.com", password: "a long enough password" }, "owner", true)).id;
  await connectGitHub(userId);
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  resetEnvCache();
});
afterAll(async () => {
  await stopTracing();
  process.env = saved;
  resetEnvCache();
  await services.close();
  await new Promise((resolve) => receiver.server.close(resolve));
});

async function deliverPush(message: string): Promise<number> {
  const body = pushPayload({ commits: 1, message });
  const headers = await githubHeaders(SECRET, body, "push");
  const response = await instanceRoute.POST(new Request("http://localhost:3000/api/webhooks/github", { method: "POST", body, headers }), {
    params: Promise.resolve({ provider: "github" }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: number }).id;
}

describe("OpenTelemetry traces", () => {
  it("are off unless an OTLP endpoint is configured: nothing is exported and no traceparent is stored", async () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(startTracing({})).toBe(false);
    const id = await deliverPush("Untraced\n\nno todo here");
    const [row] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(row!.traceParent).toBeNull();
    await processDueDeliveries();
    expect(receiver.exports).toEqual([]);
  });

  it("follow a delivery from intake through the queue, the workflow and its steps to each outbound call, with ids and no secrets or bodies", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_SERVICE_NAME = "patchbay-test";
    expect(startTracing()).toBe(true);

    const id = await deliverPush(COMMIT_MESSAGE);
    const [stored] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(stored!.traceParent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await processDueDeliveries();
    const [processed] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    expect(processed).toMatchObject({ status: "processed" });
    await flushTraces();

    const spans = spansOf(receiver.exports);
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [intake] = named("webhook intake");
    const [processing] = named("webhook process");
    const [automation] = spans.filter((span) => span.name.startsWith("automation run "));
    const [run] = named("workflow run process-github-push");
    const [record] = named("workflow step record-push");
    const [todos] = named("workflow step open-todo-issues");
    expect(intake && processing && automation && run && record && todos).toBeTruthy();

    // One trace, each span the child of the one before; the queue crossed through the stored traceparent.
    for (const span of [processing!, automation!, run!, record!, todos!]) expect(span.traceId).toBe(intake!.traceId);
    expect(stored!.traceParent).toBe(`00-${intake!.traceId}-${intake!.spanId}-01`);
    expect(processing!.parentSpanId).toBe(intake!.spanId);
    // The delivery runs the shipped automation "Process GitHub pushes", whose one step is the workflow.
    expect(automation!.parentSpanId).toBe(processing!.spanId);
    expect(attribute(automation!, "patchbay.automation.id")).toEqual(expect.any(String));
    expect(run!.parentSpanId).toBe(automation!.spanId);
    expect(record!.parentSpanId).toBe(run!.spanId);
    expect(todos!.parentSpanId).toBe(run!.spanId);

    // The TODO commit opens an issue: an outbound call, a child of the step that made it.
    const outbound = spans.filter((span) => span.parentSpanId === todos!.spanId && attribute(span, "http.request.method") === "POST");
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ traceId: intake!.traceId });
    expect(attribute(outbound[0]!, "server.address")).toBe(new URL(services.github.url).hostname);
    expect(attribute(outbound[0]!, "http.response.status_code")).toBe(201);

    expect(attribute(intake!, "patchbay.provider")).toBe("github");
    expect(attribute(intake!, "patchbay.delivery.id")).toBe(id);
    expect(attribute(intake!, "http.response.status_code")).toBe(202);
    expect(attribute(processing!, "patchbay.delivery.id")).toBe(id);
    expect(attribute(processing!, "patchbay.provider")).toBe("github");
    expect(attribute(run!, "patchbay.run.id")).toBe(processed!.workflowRunId);
    expect(attribute(run!, "patchbay.delivery.id")).toBe(id);
    expect(attribute(todos!, "patchbay.run.id")).toBe(processed!.workflowRunId);

    // Nothing of the body, the signature, the webhook secret or the GitHub token left the process.
    const exported = receiver.exports.join("\n");
    expect(exported).toContain('"patchbay-test"');
    for (const leak of [SECRET, "7f3a9c", "Traced body", "x-hub-signature", "sha256=", "authorization", "Bearer", "gho_", "octocat/hello-world"]) {
      expect(exported, leak).not.toContain(leak);
    }
  });
});
