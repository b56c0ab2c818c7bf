import "server-only";
import { createHash } from "node:crypto";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

// The look of the (auth) layout, in a few lines: a route handler's answer carries no app stylesheet.
const STYLE = `body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:3rem 1rem;box-sizing:border-box;font:14px/1.5 ui-sans-serif,system-ui,sans-serif;background:#fafafa;color:#18181b}
main{width:100%;max-width:24rem}header{display:flex;gap:.5rem;align-items:center;justify-content:center;margin-bottom:2rem;font-size:1.25rem;font-weight:600}
section{border:1px solid #e4e4e7;border-radius:.75rem;background:#fff;padding:1.5rem}h1{font-size:1.125rem;margin:0 0 .75rem}
[role=alert]{border:1px solid #fca5a5;background:#fef2f2;color:#991b1b;border-radius:.375rem;padding:.5rem .75rem;overflow-wrap:anywhere}
p{margin:.75rem 0 0}.note{color:#52525b;font-size:.8125rem}
@media (prefers-color-scheme:dark){body{background:#09090b;color:#f4f4f5}section{background:#18181b;border-color:#27272a}[role=alert]{background:#450a0a;border-color:#7f1d1d;color:#fecaca}.note{color:#a1a1aa}}`;

const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");

/**
 * An authorization request Patchbay will not serve, explained on its own page with 400. The
 * client's redirect URI is never used for it (RFC 9700 §4.11.2), so /oauth/authorize cannot be
 * made to send a browser anywhere. A route handler answers it, since a page cannot set its status.
 * Its own policy allows its style by hash; behind the proxy, whose page policy replaces it, the
 * style carries the request's nonce.
 */
export function authorizationErrorPage({ error, message }: { error: string; message: string }, nonce?: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Authorization refused · Patchbay</title>
<style${nonce ? ` nonce="${escapeHtml(nonce)}"` : ""}>${STYLE}</style>
</head>
<body>
<main>
<header><img src="/icon.svg" alt="" width="32" height="32"> Patchbay</header>
<section>
<h1>Authorization refused</h1>
<div role="alert">${escapeHtml(message)}</div>
<p class="note">Nothing was sent back to the application. Start again from the application, or tell its developer (error <code>${escapeHtml(error)}</code>).</p>
</section>
</main>
</body>
</html>
`;
  return new Response(html, {
    status: 400,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
