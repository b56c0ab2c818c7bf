import "server-only";
import type { WorkspaceRole } from "@/lib/auth/workspaces";

/** Emails an invite link when SMTP is configured; answers whether it was sent. */
export async function mailInvite(
  email: string,
  url: string,
  from: { name: string | null; email: string | null; workspaceName: string },
  role: WorkspaceRole,
): Promise<boolean> {
  void email;
  void url;
  void from;
  void role;
  return false;
}
