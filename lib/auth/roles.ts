import { atLeast, type WorkspaceRole } from "./workspaces";

/**
 * Who sees what a service still needs to be set up (client ids, webhook secrets, callback URLs):
 * the workspace's admins and owners, who would ask the instance's operator for it or set it.
 */
export function canSetUpServices(user: { role: WorkspaceRole }): boolean {
  return atLeast(user.role, "admin");
}
