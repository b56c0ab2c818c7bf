// Prints free TCP ports on 127.0.0.1 (as many as the first argument says, one by default), separated
// by spaces; run as a child process so config code can stay synchronous. Every port is held until all
// are chosen, so no two of them are the same.
import { createServer } from "node:net";

const count = Math.max(1, Number(process.argv[2] ?? 1));
const servers = Array.from({ length: count }, () => createServer());
const ports = await Promise.all(
  servers.map(
    (server) =>
      new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : 0);
        }),
      ),
  ),
);
process.stdout.write(ports.join(" "));
for (const server of servers) server.close();
