/**
 * A fake of the Slack Web API methods Patchbay calls (auth.test, chat.postMessage,
 * conversations.create, conversations.list), in Slack's wire format: Bearer xoxb-/xoxp- tokens, JSON or form bodies,
 * and HTTP 200 with `ok: false` and an error code on failure. /_fake/fail makes the next calls of
 * a method fail, for partial-failure tests; /_fake/delay makes a method answer only after a
 * while (otherwise unchanged), so a browser test can watch a step run. Run alone with `node e2e/fakes/slack.ts`. Never
 * imported by app code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

type Channel = { id: string; name: string; is_channel: true; is_private: boolean; created: number; creator: string };
type Message = { channel: string; text: string; ts: string };
type Failure = { error: string; status: number };

export type FakeSlack = {
  url: string;
  server: Server;
  channels: Channel[];
  messages: Message[];
  failures: Map<string, Failure>;
  /** Milliseconds a method waits before answering. */
  delays: Map<string, number>;
  close: () => Promise<void>;
};

async function readParams(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  if ((request.headers["content-type"] ?? "").includes("json")) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

function reply(response: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

export async function startFakeSlack(port = 0, token?: string): Promise<FakeSlack> {
  const channels: Channel[] = [{ id: "C0GENERAL", name: "general", is_channel: true, is_private: false, created: 1_700_000_000, creator: "U0OCTO" }];
  const messages: Message[] = [];
  const failures = new Map<string, Failure>();
  const delays = new Map<string, number>();
  let sequence = 1;

  const server = createServer(async (request, response) => {
    const method = (request.url ?? "/").split("?")[0]!.replace(/^\//, "");
    if (method === "_fake/state") return reply(response, { channels, messages, failures: Object.fromEntries(failures), delays: Object.fromEntries(delays) });
    if (method === "_fake/reset") {
      channels.splice(1);
      messages.length = 0;
      failures.clear();
      delays.clear();
      return reply(response, { ok: true });
    }
    if (method === "_fake/delay") {
      const body = (await readParams(request)) as { method?: string; ms?: number };
      if (!body.method || typeof body.ms !== "number" || body.ms < 0 || body.ms > 60_000)
        return reply(response, { ok: false, error: "method and ms (0 to 60000) required" }, 400);
      if (body.ms === 0) delays.delete(body.method);
      else delays.set(body.method, body.ms);
      return reply(response, { ok: true });
    }
    if (method === "_fake/fail") {
      const body = (await readParams(request)) as { method?: string; error?: string; status?: number };
      if (!body.method) return reply(response, { ok: false, error: "method required" }, 400);
      failures.set(body.method, { error: body.error ?? "internal_error", status: body.status ?? 200 });
      return reply(response, { ok: true });
    }
    if (request.method !== "POST" && request.method !== "GET") return reply(response, { ok: false, error: "method_not_supported_for_channel_type" });
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer) return reply(response, { ok: false, error: "not_authed" });
    if (token ? bearer !== token : !bearer.startsWith("xox")) return reply(response, { ok: false, error: "invalid_auth" });
    const delay = delays.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = failures.get(method);
    if (failure) {
      return failure.status === 429
        ? reply(response, { ok: false, error: "ratelimited" }, 429, { "retry-after": "1" })
        : reply(response, { ok: false, error: failure.error }, failure.status);
    }
    const params = await readParams(request);
    switch (method) {
      case "auth.test":
        return reply(response, {
          ok: true,
          url: "https://patchbay-test.slack.com/",
          team: "Patchbay Test",
          user: "patchbay",
          team_id: "T0PATCH",
          user_id: "U0PATCH",
          bot_id: "B0PATCH",
        });
      case "conversations.create": {
        const name = String(params.name ?? "");
        if (!name) return reply(response, { ok: false, error: "invalid_name_required" });
        if (name.length > 80) return reply(response, { ok: false, error: "invalid_name_maxlength" });
        if (!/^[a-z0-9_-]+$/.test(name)) return reply(response, { ok: false, error: "invalid_name_specials" });
        if (channels.some((channel) => channel.name === name)) return reply(response, { ok: false, error: "name_taken" });
        const channel: Channel = {
          id: `C0${String(sequence++).padStart(8, "0")}`,
          name,
          is_channel: true,
          is_private: params.is_private === true || params.is_private === "true",
          created: Math.floor(Date.now() / 1000),
          creator: "U0PATCH",
        };
        channels.push(channel);
        return reply(response, { ok: true, channel });
      }
      case "conversations.list": {
        // Slack reads a read method's arguments from the query string (or a form body).
        const query = new URL(request.url ?? "/", "http://fake").searchParams;
        const types = String(query.get("types") ?? params.types ?? "public_channel").split(",");
        const listed = channels.filter((channel) => types.includes(channel.is_private ? "private_channel" : "public_channel"));
        return reply(response, { ok: true, channels: listed, response_metadata: { next_cursor: "" } });
      }
      case "chat.postMessage": {
        const target = String(params.channel ?? "").replace(/^#/, "");
        const channel = channels.find((candidate) => candidate.id === target || candidate.name === target);
        if (!channel) return reply(response, { ok: false, error: "channel_not_found" });
        if (!params.text && !params.blocks) return reply(response, { ok: false, error: "no_text" });
        const ts = `${Math.floor(Date.now() / 1000)}.${String(sequence++).padStart(6, "0")}`;
        messages.push({ channel: channel.id, text: String(params.text ?? ""), ts });
        return reply(response, { ok: true, channel: channel.id, ts, message: { type: "message", text: params.text, user: "U0PATCH", ts } });
      }
      default:
        return reply(response, { ok: false, error: "unknown_method" }, 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    channels,
    messages,
    failures,
    delays,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeSlack(Number(process.env.FAKE_SLACK_PORT ?? 0));
  console.log(`fake Slack listening on ${fake.url}`);
}
