import { z } from "zod";
import { withUser } from "@/lib/auth/session";
import { ApiError } from "@/lib/platform/errors";
import { exportFormats, exportStream } from "@/lib/webhooks/export";
import { deliveryFiltersSchema } from "@/lib/webhooks/queries";

export const dynamic = "force-dynamic";

const exportQuerySchema = deliveryFiltersSchema.extend({ format: z.enum(exportFormats).default("csv") });

/**
 * The log's matching deliveries as a CSV or JSON download (`?format=csv|json` and the log's own
 * filters), streamed a page at a time, from the signed-in person's workspace only. Every role may
 * export what it may read.
 */
export const GET = withUser(async (request, _context, user) => {
  const parsed = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new ApiError("invalid_request", "Some filters were not understood; export from the Webhooks page.");
  const { format, ...filters } = parsed.data;
  const now = Date.now();
  const stamp = new Date(now).toISOString().slice(0, 19).replaceAll(":", "-");
  return new Response(exportStream(user.workspaceId, filters, format, now), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="deliveries-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
});
