import "server-only";
import { inConnectionScope } from "@/lib/connections";
import { type Actor, log } from "@/lib/platform";
import { githubRepositoryLookup } from "./github/lookups";
import { linearTeamLookup } from "./linear/lookups";
import type { LookupChoice, ToolLookup } from "./lookup-types";
import { callProvider } from "./provider-call";
import { slackChannelLookup } from "./slack/lookups";

/** Which tools offer which lookups, by tool id. */
const lookupsByTool: Record<string, ToolLookup[]> = {
  "github-create-issue": [githubRepositoryLookup],
  "github-get-repo": [githubRepositoryLookup],
  "slack-post-message": [slackChannelLookup],
  "linear-create-project": [linearTeamLookup],
};

export function lookupsOf(toolId: string): ToolLookup[] {
  return lookupsByTool[toolId] ?? [];
}

/** A lookup's answer for one person: its choices, or why there are none (not connected, the service failed). */
export type LookupResult = { label: string; fields: string[]; choices: LookupChoice[]; error?: string };

/**
 * The choices a tool's form offers this person, each lookup asked once in their workspace with the
 * connection the form chose for its provider (`accounts`: provider id -> connection id, as a run
 * takes them), else their default one. A chosen id that is not theirs or their workspace's shared
 * one, or not of that provider, is ignored as a run ignores it.
 */
export async function lookupChoices(actor: Actor, toolId: string, accounts: Record<string, string> = {}): Promise<LookupResult[]> {
  return Promise.all(
    lookupsOf(toolId).map(async (lookup) => {
      try {
        const chosen = accounts[lookup.providerId] ? { [lookup.providerId]: accounts[lookup.providerId]! } : {};
        const { result: response } = await inConnectionScope(actor.workspaceId, chosen, () => callProvider(actor.userId, lookup.providerId, lookup.request));
        if (response.status < 200 || response.status >= 300) throw new Error(`answered HTTP ${response.status}`);
        return { label: lookup.label, fields: lookup.fields, choices: lookup.choices(response.body).slice(0, 500) };
      } catch (error) {
        log.warn("a tool's lookup failed", { tool: toolId, provider: lookup.providerId, error: (error as Error).message });
        return { label: lookup.label, fields: lookup.fields, choices: [], error: (error as Error).message };
      }
    }),
  );
}
