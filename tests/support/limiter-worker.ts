/**
 * A Patchbay process that only takes rate-limit slots, for the shared-limit test: started with
 * `node --import tsx --conditions=react-server` on the test's database. argv: the key, capacity,
 * refill per second and how many concurrent acquires to make. It connects, says "ready", waits
 * for a line on stdin (so all processes start together), acquires, and prints the moment
 * (Date.now()) each acquire was granted as one JSON line.
 */
import { createInterface } from "node:readline";
import { databaseReady } from "@/db/client";
import { limiterFor } from "@/lib/http/rate-limit";

const [key, capacity, refillPerSecond, calls] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
await databaseReady();
console.log("limiter worker ready");
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));
const limiter = limiterFor(key, { capacity, refillPerSecond });
const granted = await Promise.all(Array.from({ length: calls }, () => limiter.acquire().then(() => Date.now())));
console.log(JSON.stringify({ granted }));
process.exit(0);
