import { inputClass } from "@/app/_components/ui";
import type { AutomationDefinition } from "@/lib/automations/definition";

/** What the automation editor offers (app/(dashboard)/automations/options.ts fills it on the server). */
export type EditorOptions = {
  /** When the page was made: the schedule's next times are counted from it. */
  now: number;
  sources: { id: string; name: string }[];
  endpoints: { id: string; providerId: string; label: string }[];
  tools: { id: string; name: string; providers: string[] }[];
  workflows: { id: string; name: string }[];
  connections: { id: string; providerId: string; label: string }[];
  samples: { id: number; providerId: string; event: string | null; action: string | null; receivedAt: number }[];
};

export type AutomationFile = { name: string; definition: AutomationDefinition };
export type StepPreview = { key: string; input?: unknown; error?: string; problems?: string[] };

export const labelClass = "block text-sm font-medium";
export const areaClass = `${inputClass} font-mono text-xs`;
