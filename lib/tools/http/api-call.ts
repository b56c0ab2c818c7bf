import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { httpRequest, isMethodOverrideHeader, METHOD_OVERRIDE_REFUSAL } from "@/lib/http";
import { userIdFrom } from "../context";
import { failure } from "../result";

const FORBIDDEN_HEADERS = /^(host|content-length|connection|transfer-encoding|cookie)$/i;

/** Response headers worth showing; the rest is noise in run history. */
const SHOWN_HEADERS = ["content-type", "location", "link", "retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "etag", "last-modified"];

export function shownHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(SHOWN_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]!]));
}

export const apiCall = createTool({
  id: "api-call",
  description: "Call any HTTP API: rate limited, retried, and refused for private, loopback and link-local addresses.",
  inputSchema: z.object({
    endpoint: z.url({ protocol: /^https?$/ }).describe("Full URL, http or https"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET").describe("HTTP method"),
    body: z.unknown().optional().describe("JSON body (for POST, PUT, PATCH)"),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/), z.string().max(8192))
      .optional()
      .refine((headers) => !headers || !Object.keys(headers).some((name) => FORBIDDEN_HEADERS.test(name)), {
        message: "Host, Content-Length, Connection, Transfer-Encoding and Cookie are set by Patchbay",
      })
      .refine((headers) => !headers || !Object.keys(headers).some(isMethodOverrideHeader), { message: METHOD_OVERRIDE_REFUSAL })
      .describe("Extra request headers"),
  }),
  outputSchema: z.union([
    z.object({
      success: z.literal(true),
      status: z.number(),
      headers: z.record(z.string(), z.string()),
      data: z.unknown(),
      attempts: z.number(),
      durationMs: z.number(),
    }),
    z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() }),
  ]),
  execute: async (input, context) => {
    try {
      const userId = userIdFrom(context?.requestContext);
      const response = await httpRequest({
        url: input.endpoint,
        method: input.method,
        headers: { accept: "application/json", ...input.headers },
        body: input.method === "GET" || input.method === "DELETE" ? undefined : input.body,
        guard: true,
        rateLimit: { key: `api-call:${userId}`, capacity: 10, refillPerSecond: 2 },
      });
      const headers = shownHeaders(response.headers);
      if (response.status >= 400) return { success: false as const, error: `The API answered ${response.status}.`, code: response.status };
      return { success: true as const, status: response.status, headers, data: response.body, attempts: response.attempts, durationMs: response.durationMs };
    } catch (error) {
      return failure(error);
    }
  },
});
