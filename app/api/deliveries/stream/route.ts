import { withUser } from "@/lib/auth/session";
import { deliveryEvents, type DeliveryEvent } from "@/lib/webhooks/events";

export const dynamic = "force-dynamic";

/** Server-sent events: one message whenever one of this user's deliveries is stored or changes status. */
export const GET = withUser(async (request, _context, user) => {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const listener = (event: DeliveryEvent) => {
        if (event.userId === user.id) write(`event: delivery\ndata: ${JSON.stringify({ id: event.deliveryId, status: event.status })}\n\n`);
      };
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), 15_000);
      deliveryEvents.on("delivery", listener);
      stop = () => {
        clearInterval(heartbeat);
        deliveryEvents.off("delivery", listener);
      };
      request.signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      write("retry: 3000\nevent: ready\ndata: {}\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
