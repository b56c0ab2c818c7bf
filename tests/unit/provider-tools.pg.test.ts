import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDescriptions, type FakeDescriptions } from "@/e2e/fakes/published-descriptions";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { addProviderTools, publishedDescription } from "@/lib/openapi/provider-tools";
import { listOperations, saveImport, setEnabledOperations } from "@/lib/openapi/store";
import { resetEnvCache } from "@/lib/platform/env";
import { getProvider, listProviders } from "@/lib/providers";
import { serviceCatalog } from "@/lib/providers/catalog";
import { runTool } from "@/lib/runs/tool-runs";
import { connectGitHub, createUser, startGitHubFake } from "../support/helpers";

/**
 * Issue 28, "tools in one click": a provider's declaration names the OpenAPI description it
 * publishes; adding its tools imports that description (served here from the fixtures by a local
 * stand-in for raw.githubusercontent.com) bound to the connection of whoever runs a tool, with its
 * read operations enabled.
 */

let descriptions: FakeDescriptions;
let github: FakeGitHub;

beforeAll(async () => {
  descriptions = await startFakeDescriptions();
  github = await startGitHubFake();
  Object.assign(process.env, {
    GITHUB_OPENAPI_URL: `${descriptions.url}/github.json`,
    STRIPE_OPENAPI_URL: `${descriptions.url}/stripe.json`,
    ASANA_OPENAPI_URL: `${descriptions.url}/asana.yaml`,
    HTTP_TOOL_ALLOWED_HOSTS: "127.0.0.1",
  });
  resetEnvCache();
});
afterAll(async () => {
  for (const name of ["GITHUB_OPENAPI_URL", "STRIPE_OPENAPI_URL", "ASANA_OPENAPI_URL"]) delete process.env[name];
  await Promise.all([descriptions.close(), github.close()]);
});

const enabledOf = async (workspaceId: string, specId: string) =>
  (await listOperations(workspaceId, specId)).map((operation) => `${operation.method} ${operation.path} ${operation.enabled ? "on" : "off"}`);

describe("providers that publish an OpenAPI description", () => {
  it("name where they publish it, and the catalog shows it", () => {
    const publishing = listProviders().filter((provider) => provider.openapi);
    expect(publishing.map((provider) => provider.id).sort()).toEqual(expect.arrayContaining(["asana", "github", "stripe"]));
    const saved = process.env.GITHUB_OPENAPI_URL;
    delete process.env.GITHUB_OPENAPI_URL;
    resetEnvCache();
    expect(publishedDescription(getProvider("github")!)!.url).toBe(
      "https://raw.githubusercontent.com/github/rest-api-description/main/descriptions/api.github.com/api.github.com.json",
    );
    process.env.GITHUB_OPENAPI_URL = saved;
    resetEnvCache();
    const entries = serviceCatalog({}, true);
    expect(entries.find((entry) => entry.id === "asana")?.openapi).toEqual({ url: `${descriptions.url}/asana.yaml` });
    expect(entries.find((entry) => entry.id === "openweather")?.openapi).toBeUndefined();
  });

  it.each([
    ["github", ["GET /user on", "GET /user/repos on", "POST /user/repos off", "GET /repos/{owner}/{repo}/issues/{issue_number} on", "POST /markdown off"]],
    [
      "stripe",
      ["GET /v1/balance on", "GET /v1/customers on", "POST /v1/customers off", "DELETE /v1/customers/{customer} off", "GET /v1/customers/{customer} on"],
    ],
    ["asana", ["GET /users/{user_gid} on", "GET /projects on", "POST /tasks off", "DELETE /tasks/{task_gid} off"]],
  ])("%s: imports the description bound to the person's connection, its reads enabled", async (providerId, expected) => {
    const owner = await createUser(`tools-${providerId}`);
    const added = await addProviderTools(owner.workspaceId, providerId);
    expect(added.spec).toMatchObject({ slug: providerId, authKind: "connection", authProviderId: providerId });
    expect(added.spec.serverUrl).toBe(publishedDescription(getProvider(providerId)!)!.serverUrl);
    expect((await enabledOf(owner.workspaceId, added.spec.id)).sort()).toEqual([...expected].sort());
    expect(added.enabled.every((toolId) => toolId.startsWith(`${providerId}.`))).toBe(true);
  });

  it("runs an added tool as the person's own connection, and adding again keeps the choices made since", async () => {
    const owner = await createUser("tools-run");
    await connectGitHub(owner.id);
    const { spec } = await addProviderTools(owner.workspaceId, "github");
    const operations = await listOperations(owner.workspaceId, spec.id);
    const me = operations.find((operation) => operation.path === "/user" && operation.method === "GET")!;
    const run = await runTool(owner, me.toolId, {});
    expect(run.status).toBe("succeeded");
    expect(JSON.stringify(run.output)).toContain("octocat");

    // Someone turns the repositories list off; adding the tools again refreshes the description, not the choices.
    await setEnabledOperations(
      owner.workspaceId,
      spec.id,
      operations.filter((operation) => operation.enabled && operation.path !== "/user/repos").map((operation) => operation.toolId),
    );
    const again = await addProviderTools(owner.workspaceId, "github");
    expect(again).toMatchObject({ replaced: true, spec: { id: spec.id } });
    expect(await enabledOf(owner.workspaceId, spec.id)).toContain("GET /user/repos off");
    expect(await enabledOf(owner.workspaceId, spec.id)).toContain("GET /user on");
  });

  it("leaves an API of the same name imported by hand alone, and refuses a provider that publishes none", async () => {
    const owner = await createUser("tools-clash");
    await saveImport(owner.workspaceId, {
      source: {
        kind: "text",
        text: JSON.stringify({
          openapi: "3.0.0",
          info: { title: "Mine", version: "1" },
          paths: { "/ping": { get: { operationId: "ping", responses: { "200": { description: "pong" } } } } },
        }),
      },
      serverUrl: "https://example.com",
      name: "stripe",
    });
    await expect(addProviderTools(owner.workspaceId, "stripe")).rejects.toThrow(/imported by hand/);
    await expect(addProviderTools(owner.workspaceId, "openweather")).rejects.toThrow("OpenWeather publishes no OpenAPI description Patchbay knows of.");
  });
});
