import type { UserRole } from "./users";

/**
 * Who may set a service up for the whole instance (client ids, webhook secrets) and so sees what
 * is not set up yet. Owners today; the one place to widen when workspace roles (admin) arrive.
 */
export function canSetUpServices(user: { role: UserRole }): boolean {
  return user.role === "owner";
}
