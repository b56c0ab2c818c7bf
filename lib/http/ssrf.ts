import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { Agent } from "undici";
import { readVariable } from "@/lib/env";

/** A request to a user-given URL that would reach a private, loopback, link-local or metadata address. */
export class BlockedRequestError extends Error {
  override name = "BlockedRequestError";
}

const forbidden = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  forbidden.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2001:db8::", 32],
] as const) {
  forbidden.addSubnet(network, prefix, "ipv6");
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) is judged as the IPv4 address it carries. */
function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(?:0:)?(.+)$/i.exec(address);
  if (!match) return undefined;
  if (isIP(match[1]!) === 4) return match[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(match[1]!);
  if (!hex) return undefined;
  const value = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, "ipv4");
  if (family === 6) {
    const v4 = mappedIpv4(address);
    return v4 ? forbidden.check(v4, "ipv4") : forbidden.check(address, "ipv6");
  }
  return true;
}

function allowedHosts(): Set<string> {
  return new Set((readVariable("HTTP_TOOL_ALLOWED_HOSTS") ?? "").split(",").map((host) => host.trim().toLowerCase()).filter(Boolean));
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/** Refuses non-http(s) URLs, and literal IP hosts in a forbidden range unless HTTP_TOOL_ALLOWED_HOSTS lists them. */
export function assertUrlAllowed(url: URL): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BlockedRequestError(`Only http and https URLs are allowed, not ${url.protocol}`);
  const host = bareHost(url.hostname);
  if (allowedHosts().has(host)) return;
  if (isIP(host) && isForbiddenAddress(host)) throw new BlockedRequestError(`Refused: ${host} is a private, loopback or link-local address`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS resolution that refuses a name when any of its addresses is forbidden (the connection is made to a checked address). */
export function checkedLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    if (!allowedHosts().has(bareHost(hostname))) {
      const bad = list.find((entry) => isForbiddenAddress(entry.address));
      if (bad) return callback(new BlockedRequestError(`Refused: ${hostname} resolves to ${bad.address}, a private, loopback or link-local address`), []);
    }
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}

let agent: Agent | undefined;

/** The undici dispatcher for user-given URLs: every connection goes through checkedLookup. */
export function guardedAgent(): Agent {
  agent ??= new Agent({ connect: { lookup: checkedLookup as never } });
  return agent;
}
