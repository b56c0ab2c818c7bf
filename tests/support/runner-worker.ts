/**
 * A Patchbay process in the middle of a workflow run, for the interrupted-runs test: started with
 * `node --import tsx --conditions=react-server` on the test's database. argv: the user id, their
 * workspace's id and the run id. It makes itself visible as alive (its instance lock), records the run as running under
 * its instance, says "ready" and then never finishes it: the test kills it.
 */
import { db, databaseReady } from "@/db/client";
import { liveInstanceId } from "@/db/instance";
import { workflowRuns } from "@/db/schema";

const [userId, workspaceId, runId] = [process.argv[2]!, process.argv[3]!, process.argv[4]!];
await databaseReady();
const runnerInstance = await liveInstanceId();
await db().insert(workflowRuns).values({
  id: runId,
  userId,
  workspaceId,
  workflowId: "project-setup",
  trigger: "manual",
  input: {},
  status: "running",
  startedAt: Date.now(),
  runnerInstance,
});
console.log("runner worker ready");
setInterval(() => {}, 60_000);
