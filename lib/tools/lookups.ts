import "server-only";
import { withinWorkspace } from "@/lib/connections";
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

/** The choices a tool's form offers this person, each lookup asked once with their connection in their workspace. */
export async function lookupChoices(actor: Actor, toolId: string): Promise<LookupResult[]> {
  return Promise.all(
    lookupsOf(toolId).map(async (lookup) => {
      try {
        const response = await withinWorkspace(actor.workspaceId, () => callProvider(actor.userId, lookup.providerId, lookup.request));
        if (response.status < 200 || response.status >= 300) throw new Error(`answered HTTP ${response.status}`);
        return { label: lookup.label, fields: lookup.fields, choices: lookup.choices(response.body).slice(0, 500) };
      } catch (error) {
        log.warn("a tool's lookup failed", { tool: toolId, provider: lookup.providerId, error: (error as Error).message });
        return { label: lookup.label, fields: lookup.fields, choices: [], error: (error as Error).message };
      }
    }),
  );
}
