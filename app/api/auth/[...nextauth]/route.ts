import { handlers } from "@/lib/auth/config";
import { env } from "@/lib/platform";

/**
 * Auth.js builds the GitHub sign-in's redirect_uri from the request it sees: the server action that
 * starts a sign-in sees the browser's host, this route sees Next's request URL, whose loopback host
 * Next rewrites to "localhost" (127.0.0.1 becomes localhost), and GitHub refuses a token request
 * whose redirect_uri differs from the authorize one. So the request reaches Auth.js at the
 * instance's public origin (APP_URL), as a plain Request, which keeps its host as given. An
 * AUTH_URL set by the operator is left to next-auth, which applies it itself.
 */
function atPublicOrigin(handler: (request: Request) => Promise<Response>) {
  return (request: Request): Promise<Response> => {
    if (process.env.AUTH_URL) return handler(request);
    const url = new URL(request.url);
    const publicUrl = new URL(`${url.pathname}${url.search}`, new URL(env().APP_URL).origin);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
    return handler(new Request(publicUrl, { method: request.method, headers: request.headers, body, duplex: "half" } as RequestInit));
  };
}

export const GET = atPublicOrigin(handlers.GET as (request: Request) => Promise<Response>);
export const POST = atPublicOrigin(handlers.POST as (request: Request) => Promise<Response>);
