import "server-only";
import { Octokit } from "@octokit/rest";
import { getAccessToken } from "@/lib/connections";
import { fetchThrough, HttpError } from "@/lib/http";
import { expandTemplate, getProvider } from "@/lib/providers";

/** How long one attempt of a GitHub call may take (Octokit's own `request.timeout` is ignored by @octokit/request 10). */
export const GITHUB_TIMEOUT_MS = 15_000;

/**
 * Octokit acting as the signed-in person: the token comes from the connection store at call time
 * (refreshed when due), and the base URL follows GITHUB_API_URL, so GitHub Enterprise Server works.
 * Every request goes through lib/http: a timeout per attempt, retries with backoff (POST and
 * PATCH only when GitHub certainly did not act on them), Retry-After and x-ratelimit-* honoured,
 * and GitHub's token bucket for this connection.
 */
export async function githubFor(userId: string): Promise<Octokit> {
  const provider = getProvider("github")!;
  const { accessToken, connectionId } = await getAccessToken(userId, provider.id);
  const octokit = new Octokit({
    auth: accessToken,
    baseUrl: expandTemplate(provider, provider.apiBaseUrl),
    userAgent: "Patchbay",
    request: {
      fetch: fetchThrough({ timeoutMs: GITHUB_TIMEOUT_MS, rateLimit: { key: `${provider.id}:${connectionId}`, ...provider.rateLimit } }),
    },
  });
  // Octokit reports a failed fetch as a made-up HTTP 500; hand on lib/http's own error instead.
  octokit.hook.error("request", (error) => {
    throw (error as Error).cause instanceof HttpError ? (error as Error).cause : error;
  });
  return octokit;
}

/** "POST /user/repos": the request an Octokit error belongs to, without host or query (which could carry anything). */
export function githubRequestLine(error: unknown): string | undefined {
  const request = (error as { request?: { method?: unknown; url?: unknown } }).request;
  if (typeof request?.method !== "string" || typeof request.url !== "string") return undefined;
  try {
    return `${request.method.toUpperCase()} ${new URL(request.url).pathname}`;
  } catch {
    return undefined;
  }
}

/** A person-readable message from an Octokit error: the request, the status and GitHub's message; never the request headers. */
export function githubErrorMessage(error: unknown): string {
  if (error instanceof HttpError && error.status === undefined) return `GitHub could not be reached: ${error.message}`;
  const status = (error as { status?: number }).status;
  const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
  const request = githubRequestLine(error);
  if (!status) return `GitHub could not be reached: ${message}`;
  return request ? `GitHub: ${request} answered ${status}: ${message}` : `GitHub answered ${status}: ${message}`;
}
