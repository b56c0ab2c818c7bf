import "server-only";
import { readiness } from "@/lib/connections";
import { getProvider } from "@/lib/providers";
import type { CatalogTool } from "./catalog-tool";

export type ToolReadiness = { ready: true } | { ready: false; reason: string };

/** Ready when its provider is; a tool with `anyOf` when at least one of those providers is; otherwise always. */
export async function toolReadiness(userId: string, entry: CatalogTool): Promise<ToolReadiness> {
  if (entry.providerId) return readiness(userId, entry.providerId);
  if (!entry.anyOf) return { ready: true };
  for (const providerId of entry.anyOf) if ((await readiness(userId, providerId)).ready) return { ready: true };
  const names = entry.anyOf.map((providerId) => getProvider(providerId)?.name ?? providerId);
  return { ready: false, reason: `Connect ${names.slice(0, -1).join(", ")} or ${names.at(-1)} first` };
}
