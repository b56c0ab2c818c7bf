/**
 * A fake of the parts of Stripe's API Patchbay calls: GET /v1/balance (the API-key check), the
 * webhook endpoints API (create, delete), and listing customers and creating refunds (what an
 * imported description of Stripe's API calls), in Stripe's wire format (form-encoded requests,
 * JSON answers, Bearer secret keys). Every request is recorded with the key it carried, so tests
 * can tell whose key reached Stripe. Never imported by app code.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export type FakeStripeEndpoint = { id: string; url: string; enabled_events: string[]; secret: string };

/** One request as Stripe saw it: the method, the path and the secret key it was made with. */
export type FakeStripeRequest = { method: string; path: string; key: string | undefined };

export type FakeStripe = { url: string; server: Server; endpoints: Map<string, FakeStripeEndpoint>; requests: FakeStripeRequest[]; close: () => Promise<void> };

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeStripe(port = 0, validKeyPrefix = "sk_test_"): Promise<FakeStripe> {
  const endpoints = new Map<string, FakeStripeEndpoint>();
  const requests: FakeStripeRequest[] = [];
  const server = createServer(async (request, response) => {
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(6).toString("hex")}` }).end(JSON.stringify(body));
    const key = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    const url = new URL(request.url ?? "/", "http://localhost");
    requests.push({ method: request.method ?? "GET", path: url.pathname, key });
    if (!key?.startsWith(validKeyPrefix)) {
      return json(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    }
    if (request.method === "GET" && url.pathname === "/v1/balance") {
      return json(200, { object: "balance", available: [{ amount: 0, currency: "usd" }], livemode: false, pending: [] });
    }
    if (request.method === "POST" && url.pathname === "/v1/webhook_endpoints") {
      const form = new URLSearchParams(await readBody(request));
      const events = [...form.entries()].filter(([name]) => name.startsWith("enabled_events")).map(([, value]) => value);
      const target = form.get("url");
      if (!target || events.length === 0)
        return json(400, { error: { type: "invalid_request_error", message: "Missing required param: url or enabled_events." } });
      const endpoint = {
        id: `we_${randomBytes(12).toString("hex")}`,
        url: target,
        enabled_events: events,
        secret: `whsec_${randomBytes(24).toString("base64url")}`,
      };
      endpoints.set(endpoint.id, endpoint);
      return json(200, { ...endpoint, object: "webhook_endpoint", status: "enabled", livemode: false, created: Math.floor(Date.now() / 1000) });
    }
    if (request.method === "GET" && url.pathname === "/v1/customers") {
      const customer = { id: "cus_fake0001", object: "customer", email: "jenny@example.com", name: "Jenny Rosen", livemode: false, created: 1_700_000_000 };
      return json(200, { object: "list", url: "/v1/customers", has_more: false, data: [customer] });
    }
    if (request.method === "POST" && url.pathname === "/v1/refunds") {
      const form = new URLSearchParams(await readBody(request));
      const charge = form.get("charge");
      const paymentIntent = form.get("payment_intent");
      if (!charge && !paymentIntent)
        return json(400, {
          error: { type: "invalid_request_error", message: "One of the following params should be provided for this request: payment_intent or charge." },
        });
      const amount = Number(form.get("amount") ?? 1000);
      return json(200, {
        id: `re_${randomBytes(12).toString("hex")}`,
        object: "refund",
        amount,
        currency: "usd",
        charge,
        payment_intent: paymentIntent,
        status: "succeeded",
        created: Math.floor(Date.now() / 1000),
      });
    }
    const match = /^\/v1\/webhook_endpoints\/([\w]+)$/.exec(url.pathname);
    if (request.method === "DELETE" && match) {
      if (!endpoints.delete(match[1]!))
        return json(404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such webhook endpoint: '${match[1]}'` } });
      return json(200, { id: match[1], object: "webhook_endpoint", deleted: true });
    }
    return json(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${request.method}: ${url.pathname}).` } });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    endpoints,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeStripe(Number(process.env.FAKE_STRIPE_PORT ?? 0));
  console.log(`fake Stripe listening on ${fake.url}`);
}
