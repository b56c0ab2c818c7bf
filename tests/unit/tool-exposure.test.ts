import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { toolRuns } from "@/db/schema";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { saveImport } from "@/lib/openapi/store";
import type { Actor } from "@/lib/platform";
import { functionNames, listReadyTools, resolveToolName, TOOL_NAME_PATTERN } from "@/lib/catalog/exposure";
import { connectGitHub, createUser, startGitHubFake, type TestUser } from "../support/helpers";

let github: FakeGitHub;
let connected: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  github = await startGitHubFake();
  connected = await createUser("exposure-connected");
  stranger = await createUser("exposure-stranger");
  await connectGitHub(connected.id);
  const petstore = readFileSync(join(__dirname, "../fixtures/openapi/petstore-3.0.yaml"), "utf8");
  await saveImport(connected.workspaceId, { source: { kind: "text", text: petstore }, serverUrl: "http://127.0.0.1:9/v1", auth: { kind: "none" } });
});
afterAll(() => github.close());

const byId = async (actor: Actor) => Object.fromEntries((await listReadyTools(actor)).map((tool) => [tool.id, tool]));

describe("tool exposure", () => {
  it("offers each person only their ready tools: connected services and their own imported operations", async () => {
    const mine = await byId(connected);
    const theirs = await byId(stranger);
    expect(Object.keys(mine)).toEqual(
      expect.arrayContaining(["github-create-issue", "github-list-issues", "api-call", "swagger-petstore.listPets", "swagger-petstore.createPets"]),
    );
    expect(Object.keys(theirs)).toContain("api-call");
    expect(Object.keys(theirs).filter((id) => id.startsWith("github-") || id.startsWith("swagger-petstore."))).toEqual([]);
    expect(await resolveToolName(stranger, mine["github-create-issue"]!.name)).toBeUndefined();
  });

  it("names every tool validly and uniquely, and each name maps back to its tool id", async () => {
    const tools = await listReadyTools(connected);
    for (const tool of tools) {
      expect(tool.name).toMatch(TOOL_NAME_PATTERN);
      expect((await resolveToolName(connected, tool.name))?.id).toBe(tool.id);
    }
    expect(new Set(tools.map((tool) => tool.name)).size).toBe(tools.length);
    expect(tools.find((tool) => tool.id === "swagger-petstore.listPets")?.name).toBe("swagger-petstore_listPets");
  });

  it("shortens long ids and separates ids that would collide", () => {
    const long = `${"very-long-api-title-".repeat(5)}.operation`;
    const names = functionNames([long, "a.b", "a_b", "a b", "ok-name"]);
    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]!.length).toBeLessThanOrEqual(64);
    expect(names[1]).toBe("a_b");
    expect(names[4]).toBe("ok-name");
  });

  it("declares which calls write: creating things, and api-call or imported operations other than GET/HEAD", async () => {
    const tools = await byId(connected);
    expect(tools["github-create-issue"]!.writesWith({})).toBe(true);
    expect(tools["github-list-issues"]).toMatchObject({ writes: false });
    expect(tools["github-list-issues"]!.writesWith({ owner: "o", repo: "r" })).toBe(false);
    expect(tools["api-call"]!.writes).toBe(true);
    expect(tools["api-call"]!.writesWith({ endpoint: "https://example.com" })).toBe(false);
    expect(tools["api-call"]!.writesWith({ endpoint: "https://example.com", method: "HEAD" })).toBe(false);
    expect(tools["api-call"]!.writesWith({ endpoint: "https://example.com", method: "DELETE" })).toBe(true);
    expect(tools["swagger-petstore.listPets"]!.writesWith({})).toBe(false);
    expect(tools["swagger-petstore.createPets"]!.writesWith({})).toBe(true);
  });

  it("records a run with its trigger, and refuses to run one person's tool for another", async () => {
    const listIssues = (await byId(connected))["github-list-issues"]!;
    expect(listIssues.jsonSchema).toMatchObject({ type: "object", properties: { owner: { type: "string" } } });
    const run = await listIssues.run(
      { owner: "octocat", repo: "hello-world" },
      { actor: connected, trigger: { kind: "agent", conversationId: "conversation-1" } },
    );
    expect(run).toMatchObject({ status: "succeeded", trigger: "agent", conversationId: "conversation-1", userId: connected.id });
    const mcp = await listIssues.run({ owner: "octocat", repo: "hello-world" }, { actor: connected, trigger: { kind: "mcp", tokenName: "laptop" } });
    expect((await db().select().from(toolRuns).where(eq(toolRuns.id, mcp.id)))[0]).toMatchObject({ trigger: "mcp", mcpTokenName: "laptop" });
    expect(() => listIssues.run({ owner: "octocat", repo: "hello-world" }, { actor: stranger, trigger: { kind: "manual" } })).toThrow(/another/);
    // Nor for the same person acting in another workspace.
    const elsewhere = { userId: connected.id, workspaceId: stranger.workspaceId };
    expect(() => listIssues.run({ owner: "octocat", repo: "hello-world" }, { actor: elsewhere, trigger: { kind: "manual" } })).toThrow(/another/);
  });
});
