/**
 * A small fake of GitHub for tests, speaking GitHub's wire format: the OAuth web flow
 * (/login/oauth/authorize with an approve/deny page, /login/oauth/access_token with PKCE and
 * expiring, rotating user tokens), the REST endpoints Patchbay calls (/user, /user/repos, grant
 * revocation), and /_fake/* endpoints that let tests inspect and steer it.
 *
 * Run it alone with `node e2e/fakes/github.ts` (Node >= 22.18 strips the types), or start it in
 * a test with startFakeGitHub(). Never imported by app code.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type FakeGitHubOptions = {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Issue expiring user tokens with refresh tokens, as GitHub Apps do (8 h / 6 months). */
  expiringTokens?: boolean;
  accessTokenTtlSeconds?: number;
};

type Grant = { clientId: string; login: string; scope: string };
type Hook = {
  id: number;
  owner: string;
  repo: string;
  events: string[];
  active: boolean;
  config: { url: string; content_type: string; secret?: string; insecure_ssl: string };
  createdAt: string;
};
export type SentDelivery = { hookId: number; event: string; guid: string; status: number | "error" };
type PendingCode = Grant & { redirectUri: string; codeChallenge?: string; expiresAt: number; used: boolean };
type AccessToken = Grant & { expiresAt?: number };

const user = {
  login: "octocat",
  id: 583231,
  node_id: "MDQ6VXNlcjU4MzIzMQ==",
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  type: "User",
  name: "The Octocat",
  email: null,
};

/** A second account a person can authorize on the consent page, to test choosing between accounts. */
const secondUser = {
  ...user,
  login: "hubot",
  id: 480938,
  node_id: "MDQ6VXNlcjQ4MDkzOA==",
  avatar_url: "http://127.0.0.1:1/avatar-that-fails.png",
  name: "Hubot",
};
const accountFor = (login: string) => (login === secondUser.login ? secondUser : user);
const accountIds: Record<string, number> = { [user.login]: user.id, [secondUser.login]: secondUser.id };

function repository(id: number, name: string, isPrivate: boolean, owner = "octocat") {
  return {
    id,
    node_id: `R_${id}`,
    name,
    full_name: `${owner}/${name}`,
    private: isPrivate,
    owner: { login: owner, id: accountIds[owner] ?? 9919, type: owner in accountIds ? "User" : "Organization" },
    html_url: `https://github.com/${owner}/${name}`,
    description: `${name} repository`,
    fork: false,
    visibility: isPrivate ? "private" : "public",
    default_branch: "main",
    permissions: { admin: true, push: true, pull: true },
  };
}

export class FakeGitHub {
  readonly clientId: string;
  readonly clientSecret: string;
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
  readonly codes = new Map<string, PendingCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, Grant>();
  readonly revokedGrants: { clientId: string; login: string; at: string }[] = [];
  /** Every token ever issued, so tests can look for them where they must not be. */
  readonly issuedAccessTokens: string[] = [];
  readonly issuedRefreshTokens: string[] = [];
  tokenRequests = { authorization_code: 0, refresh_token: 0 };
  /** How long a refresh grant takes to answer: a slow provider widens the window in which refreshes could overlap. */
  refreshDelayMs = 0;
  /** While set, refresh grants wait for it before answering: a test holds a refresh in flight for as long as it needs. */
  refreshGate: Promise<unknown> | undefined;
  readonly repos = [repository(1296269, "hello-world", false), repository(1296270, "secret-plans", true)];
  /** The second account's own repositories: /user/repos answers them (and octocat's public ones, as a collaborator), not octocat's private ones, when hubot's token asks. */
  readonly secondAccountRepos = [repository(1296301, "hubot-scripts", false, secondUser.login)];
  readonly hooks = new Map<number, Hook>();
  readonly sentDeliveries: SentDelivery[] = [];
  readonly createdIssues: { owner: string; repo: string; number: number; title: string; body?: string; labels: string[]; assignees: string[] }[] = [];
  readonly labelsAdded: { owner: string; repo: string; number: number; labels: string[] }[] = [];
  /** Files changed by each seeded pull request, keyed by "owner/repo#number". */
  readonly pullRequestFiles = new Map<string, string[]>([
    ["octocat/hello-world#7", ["docs/guide.md", "src/index.ts", ".github/workflows/ci.yml", "tests/index.test.ts"]],
  ]);
  private nextRepoId = 2_000_000;
  /** One-shot answers for a route ("POST /user/repos"), for the odd replies a real GitHub sometimes gives. */
  readonly cannedAnswers = new Map<string, { status: number; body: string }>();
  private nextHookId = 400_000_000;
  server: Server | undefined;
  url = "";

  constructor(options: FakeGitHubOptions = {}) {
    this.clientId = options.clientId ?? "fake-client-id";
    this.clientSecret = options.clientSecret ?? "fake-client-secret";
    this.expiringTokens = options.expiringTokens ?? false;
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 8 * 60 * 60;
  }

  async listen(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        send(response, 500, { message: (error as Error).message });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Makes every access token expire now, so the next use must refresh. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = Date.now() - 1000;
  }

  private issue(grant: Grant): Record<string, string | number> {
    const accessToken = `${this.expiringTokens ? "ghu" : "gho"}_${randomBytes(18).toString("base64url")}`;
    const expiresAt = this.expiringTokens ? Date.now() + this.accessTokenTtlSeconds * 1000 : undefined;
    this.accessTokens.set(accessToken, { ...grant, expiresAt });
    this.issuedAccessTokens.push(accessToken);
    const body: Record<string, string | number> = { access_token: accessToken, token_type: "bearer", scope: grant.scope };
    if (this.expiringTokens) {
      const refreshToken = `ghr_${randomBytes(30).toString("base64url")}`;
      this.refreshTokens.set(refreshToken, grant);
      this.issuedRefreshTokens.push(refreshToken);
      body.expires_in = this.accessTokenTtlSeconds;
      body.refresh_token = refreshToken;
      body.refresh_token_expires_in = 15_811_200;
    }
    return body;
  }

  private authenticated(request: IncomingMessage): AccessToken | undefined {
    const match = /^(?:bearer|token)\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const token = match ? this.accessTokens.get(match[1]!) : undefined;
    if (!token || (token.expiresAt !== undefined && token.expiresAt < Date.now())) return undefined;
    return token;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const route = `${request.method} ${url.pathname}`;
    const canned = this.cannedAnswers.get(route);
    if (canned) {
      this.cannedAnswers.delete(route);
      await readBody(request);
      response.writeHead(canned.status, { "content-type": "application/json; charset=utf-8" }).end(canned.body);
      return;
    }

    if (route === "GET /login/oauth/authorize") return this.consentPage(url, response);
    if (route === "POST /login/oauth/authorize") return this.decide(await readForm(request), response);
    if (route === "POST /login/oauth/access_token") return this.token(request, await readForm(request), response);

    if (route === "GET /user" || route === "GET /user/repos") {
      const token = this.authenticated(request);
      if (!token) return send(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
      response.setHeader("x-oauth-scopes", token.scope.split(/[ ,]+/).join(", "));
      response.setHeader("x-ratelimit-limit", "5000");
      response.setHeader("x-ratelimit-remaining", "4999");
      response.setHeader("x-ratelimit-reset", String(Math.floor(Date.now() / 1000) + 3600));
      if (route === "GET /user") return send(response, 200, accountFor(token.login));
      const visibility = url.searchParams.get("visibility") ?? "all";
      const visible = token.login === secondUser.login ? [...this.secondAccountRepos, ...this.repos.filter((repo) => !repo.private)] : this.repos;
      return send(
        response,
        200,
        visible.filter((repo) => visibility === "all" || repo.visibility === visibility),
      );
    }

    const grant = /^DELETE \/applications\/([^/]+)\/grant$/.exec(route);
    if (grant) return this.revokeGrant(request, decodeURIComponent(grant[1]!), response);

    const create = route === "POST /user/repos" ? user.login : /^POST \/orgs\/([^/]+)\/repos$/.exec(route)?.[1];
    if (create) return this.createRepository(request, response, decodeURIComponent(create));
    if (route === "GET /search/issues") return this.searchIssues(request, url, response);

    const repoRoute = /^(GET|POST|DELETE|PATCH) \/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(route);
    if (repoRoute)
      return this.repositoryApi(request, response, repoRoute[1]!, decodeURIComponent(repoRoute[2]!), decodeURIComponent(repoRoute[3]!), repoRoute[4] ?? "");

    if (route === "GET /_fake/state") {
      return send(response, 200, {
        tokenRequests: this.tokenRequests,
        revokedGrants: this.revokedGrants,
        activeAccessTokens: this.accessTokens.size,
        expiringTokens: this.expiringTokens,
        hooks: [...this.hooks.values()].map(({ config, ...hook }) => ({ ...hook, config: { url: config.url, content_type: config.content_type } })),
        sentDeliveries: this.sentDeliveries,
        createdIssues: this.createdIssues,
        labelsAdded: this.labelsAdded,
        repos: this.repos.map((repo) => repo.full_name),
      });
    }
    if (route === "POST /_fake/config") {
      const body = JSON.parse((await readBody(request)) || "{}") as { expiringTokens?: boolean; accessTokenTtlSeconds?: number };
      if (body.expiringTokens !== undefined) this.expiringTokens = body.expiringTokens;
      if (body.accessTokenTtlSeconds !== undefined) this.accessTokenTtlSeconds = body.accessTokenTtlSeconds;
      return send(response, 200, { ok: true });
    }
    if (route === "POST /_fake/answer-once") {
      const body = JSON.parse((await readBody(request)) || "{}") as { route: string; status: number; body?: string };
      this.cannedAnswers.set(body.route, { status: body.status, body: body.body ?? "" });
      return send(response, 200, { ok: true });
    }
    if (route === "POST /_fake/expire-tokens") {
      this.expireAccessTokens();
      return send(response, 200, { ok: true });
    }
    return send(response, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }

  private hookJson(hook: Hook) {
    const base = `${this.url}/repos/${hook.owner}/${hook.repo}/hooks/${hook.id}`;
    return {
      type: "Repository",
      id: hook.id,
      name: "web",
      active: hook.active,
      events: hook.events,
      config: { url: hook.config.url, content_type: hook.config.content_type, insecure_ssl: hook.config.insecure_ssl },
      updated_at: hook.createdAt,
      created_at: hook.createdAt,
      url: base,
      test_url: `${base}/test`,
      ping_url: `${base}/pings`,
      deliveries_url: `${base}/deliveries`,
      last_response: { code: null, status: "unused", message: null },
    };
  }

  /** Sends a signed delivery to a hook's URL, the way GitHub's hookshot does. */
  async deliver(hook: Hook, event: string, payload: Record<string, unknown>): Promise<SentDelivery> {
    const body = JSON.stringify(payload);
    const guid = crypto.randomUUID();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": event,
      "x-github-delivery": guid,
      "x-github-hook-id": String(hook.id),
      "x-github-hook-installation-target-type": "repository",
      "x-github-hook-installation-target-id": String(this.repos.find((repo) => repo.name === hook.repo)?.id ?? 0),
    };
    if (hook.config.secret) {
      headers["x-hub-signature"] = `sha1=${createHmac("sha1", hook.config.secret).update(body).digest("hex")}`;
      headers["x-hub-signature-256"] = `sha256=${createHmac("sha256", hook.config.secret).update(body).digest("hex")}`;
    }
    let status: number | "error";
    try {
      status = (await fetch(hook.config.url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) })).status;
    } catch {
      status = "error";
    }
    const sent = { hookId: hook.id, event, guid, status };
    this.sentDeliveries.push(sent);
    return sent;
  }

  private ping(hook: Hook): Promise<SentDelivery> {
    const repo = this.repos.find((candidate) => candidate.name === hook.repo);
    return this.deliver(hook, "ping", {
      zen: "Keep it logically awesome.",
      hook_id: hook.id,
      hook: this.hookJson(hook),
      repository: repo,
      sender: { login: user.login, id: user.id, type: "User" },
    });
  }

  private async repositoryApi(request: IncomingMessage, response: ServerResponse, method: string, owner: string, name: string, rest: string): Promise<void> {
    const token = this.authenticated(request);
    if (!token) return send(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const repo = this.repos.find((candidate) => candidate.owner.login === owner && candidate.name === name);
    if (!repo) return send(response, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    if (method === "GET" && rest === "") return send(response, 200, repo);
    if (method === "GET" && rest === "/hooks") {
      return send(
        response,
        200,
        [...this.hooks.values()].filter((hook) => hook.owner === owner && hook.repo === name).map((hook) => this.hookJson(hook)),
      );
    }
    if (method === "POST" && rest === "/hooks") {
      const body = JSON.parse((await readBody(request)) || "{}") as {
        config?: { url?: string; content_type?: string; secret?: string; insecure_ssl?: string };
        events?: string[];
        active?: boolean;
      };
      if (!body.config?.url)
        return send(response, 422, { message: "Validation Failed", errors: [{ resource: "Hook", code: "custom", message: "Config must contain a url" }] });
      const hook: Hook = {
        id: this.nextHookId++,
        owner,
        repo: name,
        events: body.events ?? ["push"],
        active: body.active ?? true,
        config: {
          url: body.config.url,
          content_type: body.config.content_type ?? "form",
          secret: body.config.secret,
          insecure_ssl: body.config.insecure_ssl ?? "0",
        },
        createdAt: new Date().toISOString(),
      };
      this.hooks.set(hook.id, hook);
      send(response, 201, this.hookJson(hook));
      setTimeout(() => void this.ping(hook), 50); // GitHub pings a new hook right after creating it
      return;
    }
    const hookRoute = /^\/hooks\/(\d+)(\/pings)?$/.exec(rest);
    const hook = hookRoute ? this.hooks.get(Number(hookRoute[1])) : undefined;
    if (hookRoute && (!hook || hook.owner !== owner || hook.repo !== name)) return send(response, 404, { message: "Not Found" });
    if (hook && method === "POST" && hookRoute![2]) {
      await this.ping(hook);
      response.writeHead(204).end();
      return;
    }
    if (hook && method === "PATCH" && !hookRoute![2]) {
      // Update a repository webhook: config (url required) replaces the config; a missing secret keeps the old one.
      const body = JSON.parse((await readBody(request)) || "{}") as {
        config?: { url?: string; content_type?: string; secret?: string; insecure_ssl?: string };
        events?: string[];
        add_events?: string[];
        remove_events?: string[];
        active?: boolean;
      };
      if (body.config && !body.config.url)
        return send(response, 422, { message: "Validation Failed", errors: [{ resource: "Hook", code: "custom", message: "Config must contain a url" }] });
      if (body.config) {
        hook.config = {
          url: body.config.url!,
          content_type: body.config.content_type ?? hook.config.content_type,
          secret: body.config.secret ?? hook.config.secret,
          insecure_ssl: body.config.insecure_ssl ?? hook.config.insecure_ssl,
        };
      }
      if (body.events) hook.events = body.events;
      if (body.add_events) hook.events = [...new Set([...hook.events, ...body.add_events])];
      if (body.remove_events) hook.events = hook.events.filter((event) => !body.remove_events!.includes(event));
      if (body.active !== undefined) hook.active = body.active;
      return send(response, 200, this.hookJson(hook));
    }
    if (hook && method === "DELETE" && !hookRoute![2]) {
      this.hooks.delete(hook.id);
      response.writeHead(204).end();
      return;
    }
    if (method === "GET" && rest === "/issues") {
      return send(
        response,
        200,
        this.createdIssues
          .filter((issue) => issue.owner === owner && issue.repo === name)
          .map((issue) => ({
            number: issue.number,
            title: issue.title,
            state: "open",
            html_url: `https://github.com/${owner}/${name}/issues/${issue.number}`,
            labels: issue.labels.map((label) => ({ name: label })),
          })),
      );
    }
    const files = /^\/pulls\/(\d+)\/files$/.exec(rest);
    if (method === "GET" && files) {
      const changed = this.pullRequestFiles.get(`${owner}/${name}#${files[1]}`);
      if (!changed) return send(response, 404, { message: "Not Found" });
      return send(
        response,
        200,
        changed.map((filename, index) => ({ sha: `${index}`.padStart(40, "0"), filename, status: "modified", additions: 3, deletions: 1, changes: 4 })),
      );
    }
    const labels = /^\/issues\/(\d+)\/labels$/.exec(rest);
    if (method === "POST" && labels) {
      const body = JSON.parse((await readBody(request)) || "{}") as { labels?: string[] };
      this.labelsAdded.push({ owner, repo: name, number: Number(labels[1]), labels: body.labels ?? [] });
      return send(
        response,
        200,
        (body.labels ?? []).map((label, index) => ({ id: index + 1, name: label, color: "ededed", default: false })),
      );
    }
    if (method === "POST" && rest === "/issues") {
      const body = JSON.parse((await readBody(request)) || "{}") as { title?: string; body?: string; labels?: string[]; assignees?: string[] };
      if (!body.title) return send(response, 422, { message: "Validation Failed", errors: [{ resource: "Issue", field: "title", code: "missing_field" }] });
      const number = this.createdIssues.filter((issue) => issue.owner === owner && issue.repo === name).length + 1;
      this.createdIssues.push({ owner, repo: name, number, title: body.title, body: body.body, labels: body.labels ?? [], assignees: body.assignees ?? [] });
      return send(response, 201, {
        id: 1_000_000 + number,
        number,
        title: body.title,
        body: body.body ?? null,
        state: "open",
        html_url: `https://github.com/${owner}/${name}/issues/${number}`,
        labels: (body.labels ?? []).map((label) => ({ name: label })),
        assignees: (body.assignees ?? []).map((login) => ({ login })),
        created_at: new Date().toISOString(),
        user: { login: user.login, id: user.id },
      });
    }
    return send(response, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }

  private async createRepository(request: IncomingMessage, response: ServerResponse, owner: string): Promise<void> {
    if (!this.authenticated(request)) return send(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const body = JSON.parse((await readBody(request)) || "{}") as { name?: string; private?: boolean };
    if (!body.name)
      return send(response, 422, { message: "Repository creation failed.", errors: [{ resource: "Repository", code: "missing_field", field: "name" }] });
    if (this.repos.some((repo) => repo.owner.login === owner && repo.name === body.name)) {
      return send(response, 422, {
        message: "Repository creation failed.",
        errors: [{ resource: "Repository", code: "custom", field: "name", message: "name already exists on this account" }],
      });
    }
    const created = repository(this.nextRepoId++, body.name, body.private ?? false, owner);
    this.repos.push(created);
    return send(response, 201, created);
  }

  private searchIssues(request: IncomingMessage, url: URL, response: ServerResponse): void {
    if (!this.authenticated(request)) return send(response, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    const words = (url.searchParams.get("q") ?? "")
      .split(/\s+/)
      .filter((word) => word && !word.includes(":"))
      .map((word) => word.toLowerCase());
    const seeded = [
      { owner: "octocat", repo: "hello-world", number: 1347, title: "Found a bug in the webhook handler", pull: false },
      ...this.createdIssues.map((issue) => ({ ...issue, pull: false })),
    ];
    const items = seeded
      .filter((issue) => words.every((word) => issue.title.toLowerCase().includes(word)))
      .map((issue) => ({
        number: issue.number,
        title: issue.title,
        state: "open",
        html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${issue.number}`,
        repository_url: `${this.url}/repos/${issue.owner}/${issue.repo}`,
      }));
    send(response, 200, { total_count: items.length, incomplete_results: false, items });
  }

  private consentPage(url: URL, response: ServerResponse): void {
    const clientId = url.searchParams.get("client_id");
    if (clientId !== this.clientId) {
      response.writeHead(404, { "content-type": "text/html" }).end("<h1>404: unknown OAuth application</h1>");
      return;
    }
    const hidden = [...url.searchParams].map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join("");
    const scopes = (url.searchParams.get("scope") ?? "").split(/[ ,]+/).filter(Boolean);
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html>
<html lang="en"><head><title>Authorize application</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto">
<h1>Authorize Patchbay</h1>
<p>Patchbay wants to access your account <strong>${user.login}</strong>.</p>
<ul>${scopes.map((scope) => `<li>${escape(scope)}</li>`).join("")}</ul>
<form method="post" action="/login/oauth/authorize">${hidden}
<button type="submit" name="decision" value="approve">Authorize ${user.login}</button>
<button type="submit" name="decision" value="approve-${secondUser.login}">Authorize ${secondUser.login} (a second account)</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form></body></html>`);
  }

  private decide(form: URLSearchParams, response: ServerResponse): void {
    const redirectUri = form.get("redirect_uri");
    if (form.get("client_id") !== this.clientId || !redirectUri) return send(response, 400, { message: "bad request" });
    const target = new URL(redirectUri);
    const state = form.get("state");
    const decision = form.get("decision") ?? "";
    if (!decision.startsWith("approve")) {
      target.searchParams.set("error", "access_denied");
      target.searchParams.set("error_description", "The user has denied your application access.");
      target.searchParams.set("error_uri", "https://docs.github.com/apps/troubleshooting-authorization-request-errors/#access-denied");
    } else {
      const challenge = form.get("code_challenge") ?? undefined;
      if (challenge && form.get("code_challenge_method") !== "S256") return send(response, 400, { message: "only S256 is supported" });
      const code = randomBytes(10).toString("hex");
      this.codes.set(code, {
        clientId: this.clientId,
        login: decision === `approve-${secondUser.login}` ? secondUser.login : user.login,
        scope: (form.get("scope") ?? "").split(/[ ,]+/).filter(Boolean).join(","),
        redirectUri,
        codeChallenge: challenge,
        expiresAt: Date.now() + 10 * 60 * 1000,
        used: false,
      });
      target.searchParams.set("code", code);
    }
    if (state) target.searchParams.set("state", state);
    response.writeHead(302, { location: target.toString() }).end();
  }

  private async token(request: IncomingMessage, form: URLSearchParams, response: ServerResponse): Promise<void> {
    const wantsJson = (request.headers.accept ?? "").includes("json");
    const reply = (body: Record<string, string | number>) => {
      // GitHub answers token errors with HTTP 200 too.
      if (wantsJson) return send(response, 200, body);
      response.writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" });
      response.end(new URLSearchParams(Object.entries(body).map(([key, value]) => [key, String(value)])).toString());
    };
    const error = (code: string, description: string) => reply({ error: code, error_description: description, error_uri: "https://docs.github.com/apps" });

    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1]!, "base64").toString().split(":") : [];
    const clientId = form.get("client_id") ?? basicId;
    const clientSecret = form.get("client_secret") ?? basicSecret;
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      return error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
    }
    const grantType = form.get("grant_type") ?? "authorization_code";
    if (grantType === "refresh_token") {
      this.tokenRequests.refresh_token++;
      if (this.refreshDelayMs) await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
      if (this.refreshGate) await this.refreshGate;
      const refreshToken = form.get("refresh_token") ?? "";
      const grant = this.refreshTokens.get(refreshToken);
      if (!grant) return error("bad_refresh_token", "The refresh token passed is incorrect or expired.");
      this.refreshTokens.delete(refreshToken); // GitHub rotates: a refresh token works once.
      return reply(this.issue(grant));
    }
    this.tokenRequests.authorization_code++;
    const code = this.codes.get(form.get("code") ?? "");
    if (!code || code.used || code.expiresAt < Date.now()) {
      return error("bad_verification_code", "The code passed is incorrect or expired.");
    }
    code.used = true;
    if (form.get("redirect_uri") && form.get("redirect_uri") !== code.redirectUri) {
      return error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
    }
    if (code.codeChallenge) {
      const verifier = form.get("code_verifier") ?? "";
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (computed !== code.codeChallenge) return error("bad_verification_code", "The code_verifier does not match the code_challenge.");
    }
    return reply(this.issue({ clientId: code.clientId, login: code.login, scope: code.scope }));
  }

  private async revokeGrant(request: IncomingMessage, clientId: string, response: ServerResponse): Promise<void> {
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    const [id, secret] = basic ? Buffer.from(basic[1]!, "base64").toString().split(":") : [];
    if (id !== this.clientId || secret !== this.clientSecret || clientId !== this.clientId) {
      return send(response, 404, { message: "Not Found" });
    }
    const body = JSON.parse((await readBody(request)) || "{}") as { access_token?: string };
    const token = body.access_token ? this.accessTokens.get(body.access_token) : undefined;
    if (!token) return send(response, 422, { message: "Validation Failed" });
    for (const [value, candidate] of this.accessTokens) if (candidate.login === token.login && candidate.clientId === clientId) this.accessTokens.delete(value);
    for (const [value, candidate] of this.refreshTokens)
      if (candidate.login === token.login && candidate.clientId === clientId) this.refreshTokens.delete(value);
    this.revokedGrants.push({ clientId, login: token.login, at: new Date().toISOString() });
    response.writeHead(204).end();
  }
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(request);
  if ((request.headers["content-type"] ?? "").includes("json")) {
    return new URLSearchParams(Object.entries(JSON.parse(body || "{}") as Record<string, string>));
  }
  return new URLSearchParams(body);
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHub(options);
  await fake.listen(options.port ?? 0);
  return fake;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeGitHub({
    port: Number(process.env.FAKE_GITHUB_PORT ?? 0),
    clientId: process.env.GITHUB_CLIENT_ID,
    clientSecret: process.env.GITHUB_CLIENT_SECRET,
  });
  console.log(`fake GitHub listening on ${fake.url}`);
}
