import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { addressBucket, CLIENT_ADDRESS_HEADER, stampClientAddress, stampedClientAddress } from "@/lib/auth/client-address";

describe("the client address server.ts hands to sign-in", () => {
  // First in the file: nothing has stamped a request in this process yet, as under `next start` alone.
  it("is not believed in a process that server.ts does not serve, whoever sends the header", () => {
    expect(stampedClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: "203.0.113.1" }))).toBeUndefined();
  });

  it("is the socket's peer address, replacing the copy a client sent", async () => {
    const server = createServer((request, response) => {
      stampClientAddress(request);
      response.end(stampedClientAddress(new Headers(request.headers as Record<string, string>)) ?? "none");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { [CLIENT_ADDRESS_HEADER]: "203.0.113.1", "x-forwarded-for": "203.0.113.2" } });
      expect(await response.text()).toBe("127.0.0.1");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ["192.0.2.7", "192.0.2.7"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:0db8:0001:0002::/64"],
    ["2001:db8:1:2::9", "2001:0db8:0001:0002::/64"],
    ["2001:DB8:1:2::9%eth0", "2001:0db8:0001:0002::/64"],
    ["::1", "0000:0000:0000:0000::/64"],
  ])("counts %s as %s", (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });
});
