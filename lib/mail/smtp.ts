import "server-only";
import nodemailer from "nodemailer";
import { z } from "zod";
import { env, log } from "@/lib/platform";

/** One message: plain text always (every client reads it), HTML when the sender has a richer version. */
export const mailSchema = z.object({
  to: z.email(),
  subject: z
    .string()
    .min(1)
    .max(200)
    .refine((subject) => !/[\r\n]/.test(subject), { message: "a subject is one line" }),
  text: z.string().min(1),
  html: z.string().min(1).optional(),
});
export type Mail = z.infer<typeof mailSchema>;

/** Sending failed: the message names the SMTP server's answer (code and status), never the credentials. */
export class MailError extends Error {
  override name = "MailError";
}

const TIMEOUT_MS = 20_000;

/** Whether SMTP_URL and MAIL_FROM are set, so that mail can be sent (and features that need it offered). */
export function mailConfigured(): boolean {
  const config = env();
  return Boolean(config.SMTP_URL && config.MAIL_FROM);
}

/** The server's host and port, for logs: the URL without its user and password. */
function serverOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Sends one message through SMTP_URL, from MAIL_FROM. smtp:// upgrades with STARTTLS when the
 * server offers it, smtps:// speaks TLS from the start (nodemailer's reading of the URL). Resolves
 * once the server accepted the message; a refusal or an unreachable server is a MailError.
 */
export async function sendMail(input: Mail): Promise<void> {
  const mail = mailSchema.parse(input);
  const config = env();
  if (!config.SMTP_URL || !config.MAIL_FROM) throw new MailError("Mail is not configured: set SMTP_URL and MAIL_FROM.");
  const url = new URL(config.SMTP_URL);
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({ from: config.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  } catch (error) {
    const { code, responseCode } = error as { code?: string; responseCode?: number };
    const answer = [code, responseCode].filter(Boolean).join(" ") || "no answer";
    log.warn("mail not sent", { server: serverOf(url), answer });
    throw new MailError(`The mail server ${serverOf(url)} did not take the message (${answer}).`);
  } finally {
    transport.close();
  }
}
