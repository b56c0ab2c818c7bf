import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

/** The connection a run used for a provider, as shown on the run's page. */
export type UsedConnection = { providerId: string; connectionId: string | "environment" };

type Scope = { workspaceId: string; chosen: Readonly<Record<string, string>>; used: UsedConnection[] };

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `work` in a workspace (whose shared connections it may use besides the person's own) with
 * the person's choice of account per provider (connection ids, already checked to be theirs or
 * shared with them) and notes which connections it actually used. A scope rather than a parameter:
 * tools reach the connection store through several layers (Octokit, GraphQL helpers, imported
 * tools), and none of them should have to pass the workspace or the choice along. Outside a scope
 * only the person's own connections are found.
 */
export async function inConnectionScope<T>(
  workspaceId: string,
  chosen: Record<string, string>,
  work: () => Promise<T>,
): Promise<{ result: T; used: UsedConnection[] }> {
  const scope: Scope = { workspaceId, chosen, used: [] };
  const result = await scopes.run(scope, work);
  return { result, used: scope.used };
}

/** Starts `work` in a workspace without waiting for it (a workflow run streams on after this returns); no account chosen. */
export function withinWorkspace<T>(workspaceId: string, work: () => T): T {
  return scopes.run({ workspaceId, chosen: {}, used: [] }, work);
}

/** The workspace whose shared connections the current work may use, if any. */
export function scopeWorkspaceId(): string | undefined {
  return scopes.getStore()?.workspaceId;
}

/** The connection the person chose for this provider in the current run, if they chose one. */
export function chosenConnectionId(providerId: string): string | undefined {
  return scopes.getStore()?.chosen[providerId];
}

export function noteConnectionUsed(providerId: string, connectionId: string | "environment"): void {
  const scope = scopes.getStore();
  if (scope && !scope.used.some((entry) => entry.providerId === providerId && entry.connectionId === connectionId))
    scope.used.push({ providerId, connectionId });
}
