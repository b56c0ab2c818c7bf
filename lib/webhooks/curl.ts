import { REDACTED } from "./redact";

const SKIPPED = new Set([
  "host",
  "content-length",
  "connection",
  "accept-encoding",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-forwarded-proto",
]);

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that re-sends a stored delivery: same URL, headers and body, minus secrets.
 * Redacted signature headers are left out, so the receiver needs the signature re-created.
 */
export function curlCommand(url: string, headers: Record<string, string>, body: string, stored: { truncated?: boolean; bytes?: number } = {}): string {
  const lines = [`curl -X POST ${quote(url)}`];
  const omitted: string[] = [];
  for (const [name, value] of Object.entries(headers).sort(([a], [b]) => a.localeCompare(b))) {
    if (SKIPPED.has(name)) continue;
    if (value === REDACTED) {
      if (/signature/.test(name)) omitted.push(name);
      continue;
    }
    lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  }
  lines.push(`  --data-binary ${quote(body)}`);
  const command = lines.join(" \\\n");
  const notes = [
    ...(stored.truncated
      ? [`# WARNING: the stored body is truncated (${Buffer.byteLength(body)} of ${stored.bytes ?? "more"} bytes kept); this re-sends only that part`]
      : []),
    ...(omitted.length > 0 ? [`# ${omitted.join(", ")} left out: sign the body again with your secret`] : []),
  ];
  return [...notes, command].join("\n");
}
