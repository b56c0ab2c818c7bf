/**
 * A Patchbay process that only sends the outbox, for the forwarding crash test: started with
 * `node --import tsx --conditions=react-server`, on the test's database, then killed with SIGKILL.
 * argv[2]: the lease in ms (short, so the restarted process takes over killed sends quickly).
 */
import { startOutboxSender } from "@/lib/server/outbox-sender";

startOutboxSender(50, Number(process.argv[2] ?? 60_000));
console.log("outbox worker ready");
setInterval(() => {}, 1 << 30);
