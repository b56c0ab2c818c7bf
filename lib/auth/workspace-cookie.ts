import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/platform";

/** The cookie naming the workspace a person is looking at (a person in several switches between them). */
export const WORKSPACE_COOKIE = "patchbay-workspace";

/**
 * Looks at a workspace from the next request on: the one way the cookie is written (switching,
 * joining by invite, by GitHub sign-in with an invite, creating one). Whether the person is in it
 * is checked on every request (session.ts).
 */
export async function lookAtWorkspace(workspaceId: string): Promise<void> {
  (await cookies()).set(WORKSPACE_COOKIE, workspaceId, { httpOnly: true, sameSite: "lax", path: "/", secure: new URL(env().APP_URL).protocol === "https:" });
}

/** The workspace the request's cookie names; none outside a request (a script, a test calling lib directly). */
export async function wantedWorkspace(): Promise<string | undefined> {
  try {
    return (await cookies()).get(WORKSPACE_COOKIE)?.value;
  } catch {
    return undefined;
  }
}
