import { withErrors } from "@/lib/auth/route";
import { metricsResponse } from "@/lib/server/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrapes this process's metrics here, with METRICS_TOKEN as its bearer (docs/operations.md#metrics). */
export const GET = withErrors(async (request: Request): Promise<Response> => metricsResponse(request));
