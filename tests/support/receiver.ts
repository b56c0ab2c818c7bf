import { createServer, type Server } from "node:http";
import { Webhook } from "standardwebhooks";

export type Received = { id: string; path: string; body: string; headers: Record<string, string>; verified: boolean };

/**
 * A team's own service receiving Standard Webhooks POSTs: it verifies each with the
 * `standardwebhooks` library under the secret it was given, records what it got, and answers
 * `status` (settable while running, e.g. 500 to exercise retries), with `answer` as its body, or else
 * `answerBytes` bytes of body.
 */
export type Receiver = {
  url: string;
  received: Received[];
  status: number;
  answer: string | undefined;
  answerBytes: number;
  secret: string | undefined;
  close: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const state: Receiver = { url: "", received: [], status: 204, answer: undefined, answerBytes: 0, secret: undefined, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      let verified = false;
      try {
        if (state.secret) {
          new Webhook(state.secret).verify(body, headers);
          verified = true;
        }
      } catch {
        verified = false;
      }
      state.received.push({ id: headers["webhook-id"] ?? "", path: request.url ?? "/", body, headers, verified });
      const answer = state.answer ?? (state.answerBytes ? Buffer.alloc(state.answerBytes, "a") : undefined);
      response.writeHead(verified ? state.status : 401, state.answer ? { "content-type": "application/json" } : {}).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
