/** `secret`: the one that matched, when the scheme's handshake needs it (Zoom's URL validation). */
export type Verification = { ok: true; secret?: string } | { ok: false; status: 400 | 401; reason: string };

/** What intake reads of a request's headers: a Web Headers, or Node's parsed ones behind the same calls (node-intake.ts). */
export type RequestHeaders = Pick<Headers, "get" | "forEach">;

export type SignedRequest = {
  body: Buffer;
  headers: RequestHeaders;
  /** Current secret first, then any still accepted after a rotation. */
  secrets: string[];
  nowSeconds: number;
  /** The public URL the sender posted to (APP_URL and the path): HubSpot, Square and Twilio sign it. */
  url?: string;
};
