// The face of lib/mail/: what other areas of lib/ use (docs/architecture.md).
export { MailError, mailConfigured, sendMail } from "./smtp";
export type { Mail } from "./smtp";
