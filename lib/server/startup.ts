import "server-only";
import { databaseReady } from "@/db/client";
import { env, type Env, EnvError, log, startTracing } from "@/lib/platform";
import { checkProviderVariables, listProviders, type Provider, ProviderConfigError } from "@/lib/providers";
import { superviseRuns } from "@/lib/runs";
import { startOutboxSender } from "./outbox-sender";
import { startRetention } from "./retention";
import { setAgentStepRunner, setDeliveryReader, startAutomationWorker, startScheduler } from "@/lib/automations";
import { runUnattended } from "@/lib/agent/turn";
import { readDeliveryForAutomations, startChartRollup, startDispatcher } from "@/lib/webhooks";

/**
 * Validates the whole configuration: the variables in lib/platform/env.ts, PROVIDERS_FILE, and the
 * variables the provider declarations name (URL overrides, webhook secrets) that are otherwise
 * read on demand. Throws EnvError or ProviderConfigError, whose message is one line.
 */
export function checkConfiguration(source: Record<string, string | undefined> = process.env): { config: Env; providers: Provider[] } {
  const config = env();
  const providers = listProviders();
  checkProviderVariables(providers, source);
  return { config, providers };
}

/** Fails fast, with one line, on a bad variable or a bad PROVIDERS_FILE entry. */
export async function startServer(): Promise<void> {
  try {
    const { config, providers } = checkConfiguration();
    startTracing();
    await databaseReady();
    await superviseRuns();
    setDeliveryReader(readDeliveryForAutomations);
    setAgentStepRunner((request) => runUnattended(request.actor, request.prompt, request));
    startDispatcher();
    startAutomationWorker();
    startScheduler();
    startOutboxSender();
    startRetention();
    startChartRollup();
    log.info(`ready: database ${config.DATABASE_PATH} migrated, ${providers.length} providers, public URL ${config.APP_URL}`);
  } catch (error) {
    if (error instanceof EnvError || error instanceof ProviderConfigError) {
      console.error(`patchbay: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
