import "server-only";
import { db } from "@/db/client";
import { env, EnvError } from "./env";
import { log } from "./log";
import { listProviders, ProviderConfigError } from "./providers";
import { connectWebhooksToWorkflows } from "./mastra/webhook-trigger";
import { failInterruptedRuns } from "./mastra/workflow-runs";
import { startDispatcher } from "./webhooks/dispatcher";

/** Fails fast, with one line, on a bad variable or a bad PROVIDERS_FILE entry. */
export function startServer(): void {
  try {
    const config = env();
    const providers = listProviders();
    db();
    const interrupted = failInterruptedRuns();
    if (interrupted > 0) log.warn(`${interrupted} workflow runs were interrupted by the last restart and are marked failed`);
    connectWebhooksToWorkflows();
    startDispatcher();
    log.info(`ready: database ${config.DATABASE_PATH} migrated, ${providers.length} providers, public URL ${config.APP_URL}`);
  } catch (error) {
    if (error instanceof EnvError || error instanceof ProviderConfigError) {
      console.error(`patchbay: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
