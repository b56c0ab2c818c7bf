/**
 * A Patchbay process that only asks for access tokens, for the cross-process single-flight test:
 * started with `node --import tsx --conditions=react-server` on the test's database and fake
 * GitHub. argv: the user id and how many concurrent getAccessToken calls to make. It connects,
 * says "ready", waits for a line on stdin (so all processes start together), makes the calls
 * and prints their tokens as one JSON line.
 */
import { createInterface } from "node:readline";
import { databaseReady } from "@/db/client";
import { getAccessToken } from "@/lib/connections/tokens";

const [userId, calls] = [process.argv[2]!, Number(process.argv[3])];
await databaseReady();
console.log("token worker ready");
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));
const results = await Promise.allSettled(Array.from({ length: calls }, () => getAccessToken(userId, "github")));
console.log(
  JSON.stringify({
    tokens: results.flatMap((result) => (result.status === "fulfilled" ? [result.value.accessToken] : [])),
    errors: results.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : [])),
  }),
);
process.exit(0);
