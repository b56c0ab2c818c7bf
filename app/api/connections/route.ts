import { withUser } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/store";

/** This user's connections, without any secret. */
export const GET = withUser(async (_request, _context, user) => Response.json({ connections: await listConnections(user.id) }));
