import "server-only";
import { redirect } from "next/navigation";
import { auth } from "@/lib/auth/config";
import { ApiError } from "@/lib/platform";
import { withErrors } from "./route";
import { wantedWorkspace } from "./workspace-cookie";
import { refuseCrossSiteWrite, type BodyType } from "./request-guard";
import { hasSecondFactor } from "./second-factor";
import { findSessionUser, type PublicUser } from "./users";
import { atLeast, membershipsOf, type WorkspaceMembership, type WorkspaceRole } from "./workspaces";

export { lookAtWorkspace, WORKSPACE_COOKIE } from "./workspace-cookie";

/**
 * A signed-in person as they act in one workspace: `role` is their role there, `instanceOwner`
 * whether they own the instance (instance settings, instance keys, creating workspaces).
 */
export type Member = Omit<PublicUser, "role"> & {
  /** The same as `id`: a Member is an Actor (lib/platform/actor.ts). */
  userId: string;
  role: WorkspaceRole;
  instanceOwner: boolean;
  workspaceId: string;
  workspaceName: string;
  requireSecondFactor: boolean;
  /** The workspace requires a second factor and this person has none yet: only their Account page works until they add one. */
  secondFactorMissing: boolean;
  workspaces: WorkspaceMembership[];
};

/** The workspace the cookie names when the person is in it, else their first. */
function chooseWorkspace(all: WorkspaceMembership[], wanted: string | undefined): WorkspaceMembership | undefined {
  return all.find((membership) => membership.workspaceId === wanted) ?? all[0];
}

async function asMember(user: PublicUser): Promise<Member | undefined> {
  const all = await membershipsOf(user.id);
  const chosen = chooseWorkspace(all, await wantedWorkspace());
  if (!chosen) return undefined;
  const { role: instanceRole, ...person } = user;
  return {
    ...person,
    userId: person.id,
    role: chosen.role,
    instanceOwner: instanceRole === "owner",
    workspaceId: chosen.workspaceId,
    workspaceName: chosen.name,
    requireSecondFactor: chosen.requireSecondFactor,
    secondFactorMissing: chosen.requireSecondFactor && !(await hasSecondFactor(person.id)),
    workspaces: all,
  };
}

/**
 * The signed-in user, read fresh from the database: a deleted user's cookie signs nobody in, nor
 * does one signed in before their password last changed (a reset ends every earlier session).
 */
export async function currentPerson(): Promise<PublicUser | undefined> {
  const session = await auth();
  const id = session?.user?.id;
  return id ? await findSessionUser(id, session.signedInAt ?? 0) : undefined;
}

/** The signed-in person in the workspace they are looking at; undefined when signed out or in no workspace. */
export async function currentUser(): Promise<Member | undefined> {
  const person = await currentPerson();
  return person && asMember(person);
}

/** For pages and server actions: the signed-in person in their workspace, or a redirect (to sign-in, or to the page that says they are in none). */
export async function requireUser({ secondFactorExempt = false }: { secondFactorExempt?: boolean } = {}): Promise<Member> {
  const person = await currentPerson();
  if (!person) redirect("/sign-in");
  const member = await asMember(person);
  if (!member) redirect("/no-workspace");
  // A workspace that requires a second factor is closed to a person without one, but for their Account page (where they add it).
  if (member.secondFactorMissing && !secondFactorExempt) redirect("/account?second-factor=required");
  return member;
}

/** Refuses with 403 unless the person's role in their workspace is at least `minimum`. */
export function requireRole(member: Member, minimum: WorkspaceRole): void {
  if (!atLeast(member.role, minimum)) {
    throw new ApiError(
      "forbidden",
      `Your role in ${member.workspaceName} is ${member.role}: only ${minimum === "member" ? "members" : `${minimum}s`} and above can do this.`,
    );
  }
}

/**
 * Wraps an API route handler so it runs only with a signed-in user, and answers 401 JSON otherwise.
 * A state-changing request must also pass the CSRF guard (same origin, a JSON body unless the route
 * says it takes `accepts` other types): see refuseCrossSiteWrite. What the handler throws is
 * answered by withErrors: an ApiError as its status and body, anything else as a 500.
 */
export function withUser<Context>(
  handler: (request: Request, context: Context, user: Member) => Promise<Response> | Response,
  options: { accepts?: readonly BodyType[]; role?: WorkspaceRole } = {},
): (request: Request, context: Context) => Promise<Response> {
  return withErrors(async (request: Request, context: Context) => {
    const refused = refuseCrossSiteWrite(request, options.accepts);
    if (refused) throw refused;
    const user = await currentUser();
    if (!user) throw new ApiError("unauthenticated", "Sign in first.");
    if (user.secondFactorMissing) throw new ApiError("forbidden", `${user.workspaceName} requires a second factor: add one on your Account page first.`);
    // Reading is every role's right; a change needs at least a member unless the route says otherwise.
    requireRole(user, options.role ?? (request.method === "GET" || request.method === "HEAD" ? "viewer" : "member"));
    return handler(request, context, user);
  });
}
