import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { log } from "./log";

/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
 * is set; the exporter reads the standard OTEL_* variables itself (headers, timeout, service name).
 * Spans carry ids (delivery, run, workflow, step), the provider, hosts and statuses: never a
 * header value, a query string, a secret or a body. Without a provider registered every call
 * here is the API's no-op, which costs next to nothing on the intake path.
 */

const TRACER = "patchbay";

/** The attribute names Patchbay's spans use. */
export const TraceAttributes = {
  provider: "patchbay.provider",
  endpointId: "patchbay.endpoint.id",
  deliveryId: "patchbay.delivery.id",
  attempt: "patchbay.delivery.attempt",
  deliveryStatus: "patchbay.delivery.status",
  runId: "patchbay.run.id",
  workflowId: "patchbay.workflow.id",
  stepId: "patchbay.step.id",
  automationId: "patchbay.automation.id",
} as const;

type Tracing = { provider: TracerProvider; contextManager: AsyncLocalStorageContextManager };
const TRACING = Symbol.for("patchbay.tracing");
const holder = globalThis as typeof globalThis & { [TRACING]?: Tracing };

/** Whether the environment asks for traces (the standard variables). */
export function tracingConfigured(source: Record<string, string | undefined> = process.env): boolean {
  const disabled = (source.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true";
  return !disabled && Boolean(source.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || source.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/**
 * Registers the tracer provider, the async context manager and the W3C propagator, once per
 * process, when the environment asks for traces. Returns whether tracing is on.
 */
export function startTracing(source: Record<string, string | undefined> = process.env): boolean {
  if (holder[TRACING]) return true;
  if (!tracingConfigured(source)) return false;
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": source.OTEL_SERVICE_NAME?.trim() || "patchbay" })),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  trace.setGlobalTracerProvider(provider);
  holder[TRACING] = { provider, contextManager };
  log.info("tracing: exporting OpenTelemetry spans over OTLP/HTTP");
  return true;
}

/** Sends the spans still buffered (tests, shutdown). */
export async function flushTraces(): Promise<void> {
  await holder[TRACING]?.provider.forceFlush();
}

/** Flushes and unregisters tracing (tests; a process that stops). */
export async function stopTracing(): Promise<void> {
  const tracing = holder[TRACING];
  if (!tracing) return;
  delete holder[TRACING];
  await tracing.provider.shutdown().catch((error: unknown) => log.warn("tracing: shutdown failed", { error: (error as Error).message }));
  trace.disable();
  context.disable();
  propagation.disable();
}

export type SpanOptions = { kind?: SpanKind; attributes?: Attributes; links?: Link[]; parent?: Context };

/**
 * Runs `work` inside a new span (a child of the active one, or of `parent`), ending it when the
 * work settles; a thrown error marks the span failed with the error's class, not its message
 * (which may quote a payload).
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? "Error" });
    throw error;
  } finally {
    span.end();
  }
}

/** The active span's W3C traceparent, to keep with work that is picked up later; null when nothing is traced. */
export function currentTraceparent(): string | null {
  if (!trace.getSpan(context.active())?.isRecording()) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored traceparent names (its span as the remote parent), or undefined for none or a malformed one. */
export function contextFromTraceparent(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

export { SpanKind, SpanStatusCode };
export type { Span };

/**
 * A span opened now and ended by the caller, for work whose end is reported later (a workflow run
 * followed through its stream): `within` runs code with the span active, so what it starts
 * (Mastra's steps, their outbound calls) becomes its children.
 */
export function openSpan(name: string, options: SpanOptions = {}): { span: Span; within: <T>(work: () => T) => T } {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { kind: options.kind, attributes: options.attributes, links: options.links }, parent);
  const active = trace.setSpan(parent, span);
  return { span, within: (work) => context.with(active, work) };
}
