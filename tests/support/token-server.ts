import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type TokenServerMode = "ok" | "http_500" | "html" | "hang";

/**
 * A small OAuth 2.0 authorization server speaking GitHub's paths, for token-endpoint failure tests:
 * /login/oauth/authorize records the PKCE challenge and redirects straight back with a code;
 * /login/oauth/access_token checks client credentials, the code, the redirect URI and the
 * code_verifier against the S256 challenge (RFC 7636 4.6), or fails the way `mode` says.
 */
export type TokenServer = {
  url: string;
  clientId: string;
  clientSecret: string;
  mode: TokenServerMode;
  tokenRequests: number;
  close: () => Promise<void>;
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => resolve(body));
  });
}

export async function startTokenServer(): Promise<TokenServer> {
  const codes = new Map<string, { challenge: string | null; method: string | null; redirectUri: string }>();
  const state: TokenServer = {
    url: "",
    clientId: "token-server-client",
    clientSecret: "token-server-secret",
    mode: "ok",
    tokenRequests: 0,
    close: async () => {},
  };
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url!, "http://localhost");
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.method === "GET" && url.pathname === "/login/oauth/authorize") {
      const code = randomBytes(10).toString("hex");
      const redirectUri = url.searchParams.get("redirect_uri")!;
      codes.set(code, { challenge: url.searchParams.get("code_challenge"), method: url.searchParams.get("code_challenge_method"), redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (request.method === "POST" && url.pathname === "/login/oauth/access_token") {
      state.tokenRequests++;
      const form = new URLSearchParams(await readBody(request));
      if (state.mode === "hang") return; // never answers
      if (state.mode === "http_500") return void response.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      if (state.mode === "html") return void response.writeHead(200, { "content-type": "text/html" }).end("<html><body>Sign in to continue</body></html>");
      if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) return json(401, { error: "invalid_client" });
      const pending = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!pending || pending.redirectUri !== form.get("redirect_uri"))
        return json(400, { error: "invalid_grant", error_description: "unknown code or redirect URI" });
      if (pending.challenge) {
        const verifier = form.get("code_verifier") ?? "";
        const computed = createHash("sha256").update(verifier).digest("base64url");
        if (pending.method !== "S256" || computed !== pending.challenge)
          return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      }
      return json(200, { access_token: `tok_${randomBytes(12).toString("hex")}`, token_type: "bearer", scope: "repo" });
    }
    if (request.method === "GET" && url.pathname === "/user") return json(200, { id: 42, login: "token-server-user" });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
