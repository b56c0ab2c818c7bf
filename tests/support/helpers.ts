import { createLocalUser, type UserRole } from "@/lib/auth/users";
import { addMember, createWorkspace, type WorkspaceRole } from "@/lib/auth/workspaces";
import { beginAuthorization, completeAuthorization } from "@/lib/connections/oauth/flow";
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from "@/e2e/fakes/github";

let counter = 0;

/**
 * A person with a workspace of their own (they own it), so that two people made here see nothing
 * of each other's, as two teams would not; `join` puts them into an existing workspace with a role
 * instead. The instance role is member unless asked otherwise: only the instance's owners act with
 * the instance-wide keys (lib/connections/instance-keys.ts). The answer is also an Actor
 * (`userId`, `workspaceId`) for the functions that take one.
 */
export async function createUser(name = "user", role: UserRole = "member", join?: { workspaceId: string; role: WorkspaceRole }) {
  counter++;
  const user = await createLocalUser({ name, email: `${name}-${counter}-${Date.now()}@example.com`, password: "a long enough password" }, role, false, null);
  let workspaceId: string;
  if (join) {
    await addMember(join.workspaceId, user.id, join.role);
    workspaceId = join.workspaceId;
  } else {
    workspaceId = await createWorkspace(`${name}'s workspace`, user.id);
  }
  return { ...user, userId: user.id, workspaceId };
}

/** Starts the fake GitHub and points the GitHub provider at it through the same variables a deployment sets. */
export async function startGitHubFake(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = await startFakeGitHub(options);
  process.env.GITHUB_BASE_URL = fake.url;
  process.env.GITHUB_API_URL = fake.url;
  process.env.GITHUB_CLIENT_ID = fake.clientId;
  process.env.GITHUB_CLIENT_SECRET = fake.clientSecret;
  return fake;
}

/** Plays the person on the fake's consent page: approve or deny, and returns where the provider redirects. */
export async function decide(authorizeUrl: URL, decision: "approve" | "deny"): Promise<URL> {
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set("decision", decision);
  const response = await fetch(new URL("/login/oauth/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  if (response.status !== 302) throw new Error(`consent answered ${response.status}`);
  return new URL(response.headers.get("location")!);
}

/** The whole "Connect GitHub" flow against the fake, as the route handlers run it. */
export async function connectGitHub(userId: string) {
  const authorizeUrl = await beginAuthorization(userId, "github");
  return completeAuthorization(userId, "github", await decide(authorizeUrl, "approve"));
}

/** A person createUser made: their user row, and the Actor of their own workspace (or the one they joined). */
export type TestUser = Awaited<ReturnType<typeof createUser>>;
