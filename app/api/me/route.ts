import { withUser } from "@/lib/auth/session";

export const GET = withUser(async (_request, _context, user) => Response.json({ id: user.id, name: user.name, email: user.email, role: user.role }));
