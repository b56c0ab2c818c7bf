import type { Server } from "node:http";

/**
 * Stops an HTTP server the way a stop signal asks (docker stop, compose down, systemd): no new
 * connections, the requests being read or answered run to their answer (an intake answers 2xx
 * only once its delivery is committed, so cutting it would leave the sender without the answer
 * it is owed), and each keep-alive connection is closed as soon as it falls idle, since Node
 * otherwise keeps it open for keepAliveTimeout. Resolves "drained" when the last connection has
 * closed, or "timed out" after `graceMs` with requests still open (the caller exits anyway).
 */
export function closeGracefully(server: Server, graceMs: number): Promise<"drained" | "timed out"> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const finish = (outcome: "drained" | "timed out") => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve(outcome);
    };
    const deadline = setTimeout(() => finish("timed out"), graceMs);
    server.close(() => finish("drained"));
    server.closeIdleConnections();
  });
}
