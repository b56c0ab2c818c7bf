import { contextFromTraceparent, inSpan, SpanKind, TraceAttributes } from "@/lib/platform";
import type { DeliveryRow } from "./deliveries";

/**
 * Runs one processing attempt inside a span (when tracing is on) that continues the trace intake
 * began: the traceparent stored with the delivery is its parent, so the trace reads intake →
 * processing → workflow run → steps → outbound calls, across the queue and across processes.
 */
export function inDeliverySpan<T>(delivery: DeliveryRow, work: () => Promise<T>): Promise<T> {
  return inSpan(
    "webhook process",
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromTraceparent(delivery.traceParent),
      attributes: {
        [TraceAttributes.deliveryId]: delivery.id,
        [TraceAttributes.provider]: delivery.providerId,
        [TraceAttributes.attempt]: delivery.attempts,
        ...(delivery.endpointId ? { [TraceAttributes.endpointId]: delivery.endpointId } : {}),
      },
    },
    work,
  );
}
