import { withUser } from "@/lib/auth/session";
import { eventStream } from "@/lib/platform/sse";
import { deliveryEvents, type DeliveryEvent } from "@/lib/webhooks/events";

export const dynamic = "force-dynamic";

/** Server-sent events: one message whenever one of this user's deliveries is stored or changes status. */
export const GET = withUser(async (request, _context, user) =>
  eventStream(request, (send) => {
    const listener = (event: DeliveryEvent) => {
      if (event.workspaceId === user.workspaceId) send("delivery", { id: event.deliveryId, status: event.status });
    };
    deliveryEvents.on("delivery", listener);
    return () => deliveryEvents.off("delivery", listener);
  }),
);
