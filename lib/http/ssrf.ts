import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { Agent } from "undici";
import { log, readVariable } from "@/lib/platform";

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
  ["::", 96], // IPv4-compatible (deprecated), also :: and ::1: never a public destination
  ["100::", 64], // discard-only
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8],
  ["64:ff9b::", 96], // NAT64: the gateway would reach the IPv4 address inside
  ["64:ff9b:1::", 48], // local-use NAT64
  ["2001:db8::", 32],
] as const) {
  forbidden.addSubnet(network, prefix, "ipv6");
}

/** The eight 16-bit groups of an IPv6 address in any spelling (compressed, dotted-quad tail, zone id). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, "").toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split(".").map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, extra] = text.split("::");
  if (extra !== undefined) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const groups = tail === undefined ? front : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

function ipv4From(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/**
 * The IPv4 addresses an IPv6 address delivers to: IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated
 * (::ffff:0:a.b.c.d) carry one, 6to4 (2002:AABB:CCDD::/16) routes to one, and Teredo (2001:0::/32)
 * names a server and an obfuscated (bit-inverted) client address.
 */
function embeddedIpv4(groups: number[]): string[] {
  const zerosUpTo = (end: number) => groups.slice(0, end).every((group) => group === 0);
  if (zerosUpTo(5) && groups[5] === 0xffff) return [ipv4From(groups[6]!, groups[7]!)];
  if (zerosUpTo(4) && groups[4] === 0xffff && groups[5] === 0) return [ipv4From(groups[6]!, groups[7]!)];
  if (groups[0] === 0x2002) return [ipv4From(groups[1]!, groups[2]!)];
  if (groups[0] === 0x2001 && groups[1] === 0) return [ipv4From(groups[2]!, groups[3]!), ipv4From(groups[6]! ^ 0xffff, groups[7]! ^ 0xffff)];
  return [];
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, "ipv4");
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const v4 = embeddedIpv4(groups);
  if (v4.length > 0) return v4.some((inner) => forbidden.check(inner, "ipv4"));
  return forbidden.check(groups.map((group) => group.toString(16)).join(":"), "ipv6");
}

function allowedHosts(): Set<string> {
  return new Set(
    (readVariable("HTTP_TOOL_ALLOWED_HOSTS") ?? "")
      .split(",")
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
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
      if (bad) {
        // What an internal name resolves to is for the operator (allow-listing a host), never for the person who asked.
        log.warn("outbound request refused: the name resolves to a forbidden address", { host: hostname, address: bad.address });
        return callback(
          new BlockedRequestError(`Refused: the address of ${hostname} is not allowed (private, loopback and link-local addresses are refused).`),
          [],
        );
      }
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
