import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6 } from "node:net";
import { processState } from "@/lib/platform";

/**
 * How the socket's peer address reaches sign-in. A route handler's Request (and the headers a
 * server action sees) carry no socket, so server.ts, which serves every request before Next does,
 * removes any copy of this header the client sent and sets it to the peer address. The header is
 * believed only in a process where server.ts does that (the flag below); under `next start`
 * alone anyone could send it, so it is ignored there.
 */
export const CLIENT_ADDRESS_HEADER = "x-patchbay-client-address";

const stamping = processState("StampsClientAddress", () => ({ on: false }));

/** server.ts calls this for every request before handing it to Next. */
export function stampClientAddress(request: IncomingMessage): void {
  stamping.on = true;
  delete request.headers[CLIENT_ADDRESS_HEADER];
  const address = request.socket.remoteAddress;
  if (address) request.headers[CLIENT_ADDRESS_HEADER] = address;
}

/** The peer address server.ts stamped on this request; undefined when this process is not served by server.ts. */
export function stampedClientAddress(headers: Headers): string | undefined {
  if (!stamping.on) return undefined;
  return headers.get(CLIENT_ADDRESS_HEADER)?.trim() || undefined;
}

/** The eight 16-bit groups of an IPv6 address, or undefined for a form this does not expand (embedded IPv4). */
function ipv6Groups(address: string): string[] | undefined {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8 || groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.map((group) => group.toLowerCase().padStart(4, "0"));
}

/**
 * What a per-address limit counts: an IPv4 address as it is (also when written IPv4-mapped,
 * ::ffff:192.0.2.1), an IPv6 address by its /64, since one client usually holds a whole /64 and
 * could otherwise take a fresh address for every guess.
 */
export function addressBucket(address: string): string {
  const bare = address.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : bare;
}
