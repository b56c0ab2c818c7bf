/** Who acts (their own connections, recorded as who started a run) and in which workspace (what the work belongs to). */
export type Actor = { userId: string; workspaceId: string };
