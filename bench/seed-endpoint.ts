/**
 * `tsx --conditions=react-server bench/seed-endpoint.ts <owner id> <secret>`, in the environment of
 * the server the bench started (its database and encryption key): creates a GitHub webhook endpoint
 * in the default workspace with that signing secret, through the app's own code, and prints its id.
 * The intake bench drives the endpoint's URL (/api/webhooks/github/<id>) as well as the
 * instance-wide one: per-endpoint URLs are what a workspace's senders are given.
 */
import { DEFAULT_WORKSPACE_ID } from "@/db/schema";
import { createEndpoint } from "@/lib/webhooks/endpoints";

const [userId, secret] = process.argv.slice(2);
if (!userId || !secret) {
  console.error("usage: tsx --conditions=react-server bench/seed-endpoint.ts <owner id> <secret>");
  process.exit(2);
}
const { endpoint } = await createEndpoint(
  { userId, workspaceId: DEFAULT_WORKSPACE_ID },
  { providerId: "github", description: "intake bench", events: [], secret },
);
console.log(endpoint.id);
process.exit(0);
