import "server-only";
import { callProvider } from "../provider-call";

/**
 * One GraphQL request to Linear as this user; GraphQL errors become exceptions with Linear's
 * message. A query is retried like a GET; a mutation only when Linear certainly did not act.
 */
export async function linearQuery<T>(userId: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const idempotent = !/^\s*mutation\b/.test(query);
  const response = await callProvider(userId, "linear", {
    path: "/graphql",
    method: "POST",
    body: { query, variables },
    headers: { "content-type": "application/json" },
    idempotent,
  });
  const body = response.body as { data?: T; errors?: { message: string }[] } | undefined;
  if (body?.errors?.length) throw new Error(`Linear: ${body.errors.map((error) => error.message).join("; ")}`);
  if (response.status !== 200 || !body?.data) throw new Error(`Linear answered HTTP ${response.status}`);
  return body.data;
}
