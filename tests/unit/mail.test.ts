import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MailError, mailConfigured, sendMail } from "@/lib/mail";
import { parseEnv, resetEnvCache } from "@/lib/platform/env";
import { startMailServer, type MailServer } from "@/e2e/fakes/smtp";

const password = "s3cret-smtp-pass/with:odd@chars";
let server: MailServer;

beforeAll(async () => {
  server = await startMailServer({ user: "mailer", password });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  delete process.env.SMTP_URL;
  delete process.env.MAIL_FROM;
  resetEnvCache();
  vi.restoreAllMocks();
});

function configure(smtpUrl: string | undefined, from = "Patchbay <patchbay@example.test>") {
  if (smtpUrl) process.env.SMTP_URL = smtpUrl;
  process.env.MAIL_FROM = from;
  resetEnvCache();
}

describe("mail over SMTP", () => {
  it("is off until SMTP_URL and MAIL_FROM are set, and says so when asked to send", async () => {
    expect(mailConfigured()).toBe(false);
    await expect(sendMail({ to: "a@example.test", subject: "Hi", text: "Hello" })).rejects.toThrow("Mail is not configured");
    configure(server.smtpUrl);
    expect(mailConfigured()).toBe(true);
  });

  it("delivers a message through a real SMTP server, logged in with the URL's user and password", async () => {
    configure(server.smtpUrl);
    const before = server.mails.length;
    await sendMail({ to: "reader@example.test", subject: "A subject", text: "Plain body\nwith a link https://example.test/x?token=abc=", html: "<p>Rich</p>" });
    const mail = await server.waitForMail("reader@example.test", { after: before });
    expect(mail).toMatchObject({ from: "patchbay@example.test", to: ["reader@example.test"], subject: "A subject", user: "mailer" });
    expect(mail.text.trim()).toBe("Plain body\nwith a link https://example.test/x?token=abc=");
    expect(mail.html).toContain("<p>Rich</p>");
  });

  it("fails with a MailError that names the server but never the password, in the error or the log", async () => {
    const wrong = `smtp://mailer:${encodeURIComponent("not-the-password-123")}@127.0.0.1:${server.port}`;
    configure(wrong);
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const refusedBefore = server.refusedLogins;
    const error = await sendMail({ to: "reader@example.test", subject: "Nope", text: "x" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailError);
    expect((error as Error).message).toContain(`smtp://127.0.0.1:${server.port}`);
    expect((error as Error).message).toContain("EAUTH");
    expect(server.refusedLogins).toBe(refusedBefore + 1);
    const seen = [(error as Error).message, ...lines].join("\n");
    expect(lines.join("\n")).toContain("mail not sent");
    expect(seen).not.toContain("not-the-password-123");
    expect(seen).not.toContain("mailer:");
  });

  it("refuses a subject that would inject headers", async () => {
    configure(server.smtpUrl);
    await expect(sendMail({ to: "reader@example.test", subject: "Hi\r\nBcc: x@example.test", text: "x" })).rejects.toThrow();
  });
});

describe("mail settings", () => {
  it("accepts smtp:// and smtps:// URLs and a From address", () => {
    expect(parseEnv({ SMTP_URL: "smtps://u:p@mail.example.com:465", MAIL_FROM: "Patchbay <p@example.com>" }).SMTP_URL).toBe("smtps://u:p@mail.example.com:465");
    expect(parseEnv({ SMTP_URL: "smtp://mail.example.com:25", MAIL_FROM: "p@example.com" }).MAIL_FROM).toBe("p@example.com");
    expect(parseEnv({}).SMTP_URL).toBeUndefined();
  });

  it.each([
    [{ SMTP_URL: "http://mail.example.com", MAIL_FROM: "p@example.com" }, /^Invalid environment variable SMTP_URL: expected smtp:\/\/user:password@host:port/],
    [{ SMTP_URL: "smtp://u:p@mail.example.com:587" }, /^Invalid environment variable MAIL_FROM: expected the From address/],
    [{ SMTP_URL: "smtp://u:p@mail.example.com:587", MAIL_FROM: "not an address" }, /^Invalid environment variable MAIL_FROM: expected an address/],
  ])("refuses %j with a message naming the variable and not the password", (source, message) => {
    const error = (() => {
      try {
        parseEnv(source);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain("u:p@");
  });
});
