import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { withinWorkspace } from "@/lib/connections";
import type { Actor } from "@/lib/platform";
import { runCatalogTool, type ToolRunRow, type ToolRunTrigger } from "@/lib/runs";
import { automationCatalogTools } from "@/lib/automations";
import {
  builtInTools,
  type CatalogTool,
  destinationHost,
  listImportedTools,
  mayWrite,
  type ToolAccess,
  toolInputSchema,
  toolReadiness,
  type ToolReadiness,
  writesWith,
} from "@/lib/tools";

export type { ToolRunTrigger } from "@/lib/runs";

/**
 * A tool as an agent or an MCP client sees it: a function-safe name (valid for every major model
 * provider) that maps back to the tool id, its description and input schema, and whether it writes.
 */
export type ExposedTool = {
  id: string;
  name: string;
  description: string;
  group: string;
  inputSchema: z.ZodType;
  jsonSchema: Record<string, unknown>;
  access: ToolAccess;
  /** Some call of this tool may change something (api-call does unless its method is GET or HEAD). */
  writes: boolean;
  /** Whether this exact input changes something: such a call waits for the person's approval. */
  writesWith(input: unknown): boolean;
  /** The host this input sends the call to when the input chooses it (api-call's endpoint); null when the tool's destination is fixed. */
  hostWith(input: unknown): string | null;
  /** Validates, runs as the user and records the run with its trigger; invalid input throws RunInputError. */
  run(input: unknown, context: { actor: Actor; trigger: ToolRunTrigger }): Promise<ToolRunRow>;
};

/** What every major provider accepts as a function name. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME = 64;

/** `swagger-petstore.listPets` -> `swagger-petstore_listPets`; too long or taken -> shortened with a hash of the id. */
function functionName(toolId: string, taken: Set<string>): string {
  const safe = toolId.replace(/[^a-zA-Z0-9_-]/g, "_") || "tool";
  if (safe.length <= MAX_NAME && !taken.has(safe)) return safe;
  const hash = createHash("sha256").update(toolId).digest("hex").slice(0, 8);
  let name = `${safe.slice(0, MAX_NAME - 9)}_${hash}`;
  for (let counter = 2; taken.has(name); counter++) name = `${safe.slice(0, MAX_NAME - 10 - String(counter).length)}_${hash}${counter}`;
  return name;
}

/** Function-safe names for tool ids, unique within the list, in the same order. */
export function functionNames(toolIds: string[]): string[] {
  const taken = new Set<string>();
  return toolIds.map((toolId) => {
    const name = functionName(toolId, taken);
    taken.add(name);
    return name;
  });
}

function jsonSchemaOf(entry: CatalogTool): Record<string, unknown> {
  return (entry.formSchema ?? z.toJSONSchema(toolInputSchema(entry), { io: "input", unrepresentable: "any" })) as Record<string, unknown>;
}

function expose(owner: Actor, entry: CatalogTool, name: string): ExposedTool {
  const id = entry.tool.id;
  return {
    id,
    name,
    description: entry.tool.description ?? id,
    group: entry.group,
    inputSchema: toolInputSchema(entry),
    jsonSchema: jsonSchemaOf(entry),
    access: entry.access,
    writes: mayWrite(entry.access),
    writesWith: (input) => writesWith(entry.access, input),
    hostWith: (input) => destinationHost(entry.destinationField, input),
    run: (input, { actor, trigger }) => {
      if (actor.userId !== owner.userId || actor.workspaceId !== owner.workspaceId) throw new Error("A tool exposed to one person cannot run for another.");
      return runCatalogTool(actor, entry, input, { trigger });
    },
  };
}

/** A tool's readiness for a person in a workspace: their own connections, then the workspace's shared ones. */
export function readyIn(actor: Actor, entry: CatalogTool): Promise<ToolReadiness> {
  return withinWorkspace(actor.workspaceId, () => toolReadiness(actor.userId, entry));
}

/** Every tool this person could use, with its function name: names are unique over the whole list, so a name stays put while connections come and go. */
async function namedTools(workspaceId: string): Promise<{ entry: CatalogTool; name: string }[]> {
  const entries = [...builtInTools, ...automationCatalogTools, ...(await listImportedTools(workspaceId))];
  const names = functionNames(entries.map((entry) => entry.tool.id));
  return entries.map((entry, index) => ({ entry, name: names[index]! }));
}

/** toolReadiness with each provider's readiness asked once per call: four GitHub tools consult the connections once. */
function readinessOnce(actor: Actor): (entry: CatalogTool) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (entry) => {
    const key = entry.providerId ?? (entry.anyOf ? entry.anyOf.join("|") : "");
    let ready = known.get(key);
    if (!ready) known.set(key, (ready = readyIn(actor, entry).then((state) => state.ready)));
    return ready;
  };
}

/**
 * The tools this person can use right now, computed per request from their connections: built-in
 * tools whose service is ready, then their imported operations whose credential is ready. The
 * runner, the agent and the MCP endpoint all ask here.
 */
export async function listReadyTools(actor: Actor): Promise<ExposedTool[]> {
  const isReady = readinessOnce(actor);
  const ready: ExposedTool[] = [];
  for (const { entry, name } of await namedTools(actor.workspaceId)) if (await isReady(entry)) ready.push(expose(actor, entry, name));
  return ready;
}

/** The ready tool a function name stands for in this person's set, or undefined: one lookup, readiness asked for that tool only. */
export async function resolveToolName(actor: Actor, name: string): Promise<ExposedTool | undefined> {
  return readyOne(actor, (candidate) => candidate.name === name);
}

/** The ready tool with this id (an approved agent call names its tool by id), or undefined. */
export async function findReadyTool(actor: Actor, toolId: string): Promise<ExposedTool | undefined> {
  return readyOne(actor, (candidate) => candidate.entry.tool.id === toolId);
}

async function readyOne(actor: Actor, matches: (candidate: { entry: CatalogTool; name: string }) => boolean): Promise<ExposedTool | undefined> {
  const named = (await namedTools(actor.workspaceId)).find(matches);
  if (!named || !(await readyIn(actor, named.entry)).ready) return undefined;
  return expose(actor, named.entry, named.name);
}
