/**
 * A mail server for the tests: the real SMTP protocol (the smtp-server package, with AUTH PLAIN
 * and LOGIN checked against one user and password), each message parsed (mailparser) and kept in
 * memory. Run alone with `node e2e/fakes/smtp.ts`: then an HTTP side port answers
 * GET /_fake/mail (every message received, newest last) for the browser tests. Never imported by
 * app code.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import mailparser from "mailparser";
import smtpServer from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string; html: string | undefined; user: string | undefined };

export type MailServer = {
  port: number;
  /** SMTP_URL for Patchbay: smtp://user:password@127.0.0.1:port. */
  smtpUrl: string;
  mails: ReceivedMail[];
  /** Login attempts the server refused (wrong user or password). */
  refusedLogins: number;
  /** The first message to `to` that arrives after `after` messages were received (default: any), within the timeout. */
  waitForMail: (to: string, options?: { after?: number; timeoutMs?: number }) => Promise<ReceivedMail>;
  close: () => Promise<void>;
};

export async function startMailServer({ port = 0, user = "patchbay", password = "smtp-test-password" } = {}): Promise<MailServer> {
  const mails: ReceivedMail[] = [];
  const state = { refusedLogins: 0 };
  const server = new smtpServer.SMTPServer({
    // A plain connection on 127.0.0.1: STARTTLS would need a certificate the client trusts.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user: auth.username });
      state.refusedLogins++;
      return callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      mailparser
        .simpleParser(stream)
        .then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : undefined,
            user: typeof session.user === "string" ? session.user : undefined,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    port: actualPort,
    smtpUrl: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${actualPort}`,
    mails,
    get refusedLogins() {
      return state.refusedLogins;
    },
    async waitForMail(to, { after = 0, timeoutMs = 15_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = mails.slice(after).find((candidate) => candidate.to.includes(to));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mail = await startMailServer({
    port: Number(process.env.FAKE_SMTP_PORT ?? 0),
    user: process.env.FAKE_SMTP_USER ?? "patchbay",
    password: process.env.FAKE_SMTP_PASSWORD ?? "smtp-test-password",
  });
  const http: Server = createServer((request, response) => {
    if (request.url?.startsWith("/_fake/mail")) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(mail.mails));
      return;
    }
    response.writeHead(404).end();
  });
  http.listen(Number(process.env.FAKE_SMTP_HTTP_PORT ?? 0), "127.0.0.1");
  console.log(`test mail server: SMTP on 127.0.0.1:${mail.port}`);
}
