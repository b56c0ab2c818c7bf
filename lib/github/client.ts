import "server-only";
import { Octokit } from "@octokit/rest";
import { getAccessToken } from "@/lib/connections/tokens";
import { expandTemplate, getProvider } from "@/lib/providers";

/**
 * Octokit acting as the signed-in person: the token comes from the connection store at call time
 * (refreshed when due), and the base URL follows GITHUB_API_URL, so GitHub Enterprise Server works.
 */
export async function githubFor(userId: string): Promise<Octokit> {
  const provider = getProvider("github")!;
  const { accessToken } = await getAccessToken(userId, provider.id);
  return new Octokit({
    auth: accessToken,
    baseUrl: expandTemplate(provider, provider.apiBaseUrl),
    userAgent: "Patchbay",
    request: { timeout: 15_000 },
  });
}

/** A person-readable message from an Octokit error (status and GitHub's message; never the request headers). */
export function githubErrorMessage(error: unknown): string {
  const status = (error as { status?: number }).status;
  const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
  return status ? `GitHub answered ${status}: ${message}` : `GitHub could not be reached: ${message}`;
}
