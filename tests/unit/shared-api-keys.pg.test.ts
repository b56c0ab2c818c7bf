import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeOpenWeather } from "@/e2e/fakes/openweather";

/**
 * Issue 26: an admin saves an API key as a shared connection of the workspace. Members without a
 * key of their own act with it (their own comes first; the instance key, when shared by an owner,
 * last); runs record which connection acted; people of another workspace never reach it; the
 * admin's own key is a separate row; sharing and removing it are audited.
 */

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { startFakeOpenWeather } = await import("@/e2e/fakes/openweather");
const { resolveApiKey, saveApiKey } = await import("@/lib/connections/api-keys");
const { listConnections, listSharedConnections } = await import("@/lib/connections/store");
const { providerCards } = await import("@/lib/connections/overview");
const { toolAccountChoices } = await import("@/lib/catalog/catalog");
const { runTool } = await import("@/lib/runs/tool-runs");
const { listAudit } = await import("@/lib/auth/audit");
const { disconnectSharedAction, saveSharedApiKeyAction } = await import("@/app/(dashboard)/connections/actions");
const { createUser } = await import("../support/helpers");

const SHARED_KEY = "5555eeee5555eeee5555eeee5555eeee";
const MEMBER_KEY = "6666ffff6666ffff6666ffff6666ffff";
const ADMIN_OWN_KEY = "7777aaaa7777aaaa7777aaaa7777aaaa";

let weather: FakeOpenWeather;

beforeAll(async () => {
  weather = await startFakeOpenWeather(0, [SHARED_KEY, MEMBER_KEY, ADMIN_OWN_KEY]);
});
afterAll(() => weather.close());
beforeEach(() => {
  process.env.OPENWEATHER_API_URL = weather.url;
});
afterEach(() => {
  delete process.env.OPENWEATHER_API_URL;
  session.current = null;
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

async function team(name: string) {
  const admin = await createUser(`${name}-admin`);
  const member = await createUser(`${name}-member`, "member", { workspaceId: admin.workspaceId, role: "member" });
  const stranger = await createUser(`${name}-stranger`);
  return { admin, member, stranger };
}

describe("a workspace's shared API key", () => {
  it("is used by members without a key of their own, recorded on their runs, and never reached from another workspace", async () => {
    const { admin, member, stranger } = await team("shared-key");
    const shared = await saveApiKey(admin.id, "openweather", SHARED_KEY, { sharedIn: admin.workspaceId });
    expect(shared.workspaceId).toBe(admin.workspaceId);

    // The admin's own key lookup does not take the shared row for theirs.
    expect(await listConnections(admin.id)).toEqual([]);
    await expect(resolveApiKey(admin.id, "openweather", undefined)).rejects.toThrow("No OpenWeather API key");
    expect(await resolveApiKey(member.id, "openweather", admin.workspaceId)).toEqual({ apiKey: SHARED_KEY, source: "workspace", connectionId: shared.id });
    await expect(resolveApiKey(stranger.id, "openweather", stranger.workspaceId)).rejects.toThrow("No OpenWeather API key");
    expect((await providerCards(admin.id)).find((card) => card.id === "openweather")!.apiKey!.connection).toBeUndefined();
    expect((await listSharedConnections(admin.workspaceId)).map((row) => [row.id, row.authKind, row.apiKeyLast4])).toEqual([[shared.id, "api_key", "eeee"]]);

    const run = await runTool(member, "get-weather", { location: "Leeds" });
    expect(run.status).toBe("succeeded");
    expect(run.accounts).toEqual([{ providerId: "openweather", connectionId: shared.id, label: "OpenWeather API key (shared)" }]);
    expect(run.userId).toBe(member.id);

    // The admin's own key is another row and does not replace the shared one.
    const own = await saveApiKey(admin.id, "openweather", ADMIN_OWN_KEY);
    expect(own.id).not.toBe(shared.id);
    expect(await resolveApiKey(admin.id, "openweather", admin.workspaceId)).toMatchObject({ apiKey: ADMIN_OWN_KEY, source: "user" });
    expect(await resolveApiKey(member.id, "openweather", admin.workspaceId)).toMatchObject({ apiKey: SHARED_KEY, source: "workspace" });

    // A member's own key comes first; they may still pick the shared one for a run.
    const mine = await saveApiKey(member.id, "openweather", MEMBER_KEY);
    expect((await runTool(member, "get-weather", { location: "York" })).accounts).toEqual([
      { providerId: "openweather", connectionId: mine.id, label: "API key" },
    ]);
    const choices = await toolAccountChoices(member, "get-weather");
    expect(choices[0]!.accounts.map((account) => account.label)).toEqual(["Your API key ….ffff", "Shared API key ….eeee"]);
    const picked = await runTool(member, "get-weather", { location: "Hull" }, { accounts: { openweather: shared.id } });
    expect(picked.accounts).toEqual([{ providerId: "openweather", connectionId: shared.id, label: "OpenWeather API key (shared)" }]);

    // Someone of another workspace cannot pick it by its id.
    const refused = await runTool(stranger, "get-weather", { location: "Hull" }, { accounts: { openweather: shared.id } });
    expect(refused.status).toBe("failed");
    expect(refused.accounts ?? []).not.toContainEqual(expect.objectContaining({ connectionId: shared.id }));
  });

  it("is saved and removed by admins only, through actions that audit both and never the key", async () => {
    const { admin, member } = await team("shared-action");
    session.current = { user: { id: member.id } };
    const refused = await saveSharedApiKeyAction(undefined, form({ providerId: "openweather", apiKey: SHARED_KEY }));
    expect(refused).toEqual({ error: expect.stringMatching(/admin/i) });
    expect(await listSharedConnections(admin.workspaceId)).toEqual([]);

    session.current = { user: { id: admin.id } };
    const saved = await saveSharedApiKeyAction(undefined, form({ providerId: "openweather", apiKey: SHARED_KEY }));
    expect(saved).toEqual({ ok: expect.stringContaining("Shared key saved (….eeee)") });
    const [row] = await listSharedConnections(admin.workspaceId);
    expect(row).toMatchObject({ providerId: "openweather", authKind: "api_key", shared: true });

    const removed = await disconnectSharedAction(undefined, form({ connectionId: row!.id }));
    expect(removed).toEqual({ ok: "Disconnected." });
    expect(await listSharedConnections(admin.workspaceId)).toEqual([]);
    await expect(resolveApiKey(member.id, "openweather", admin.workspaceId)).rejects.toThrow("No OpenWeather API key");

    const entries = await listAudit(admin.workspaceId);
    expect(entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(["connection_shared", "connection_unshared"]));
    expect(entries.find((entry) => entry.action === "connection_shared")).toMatchObject({
      target: row!.id,
      detail: { provider: "openweather", kind: "api_key" },
    });
    expect(JSON.stringify(entries)).not.toContain(SHARED_KEY);
  });
});
