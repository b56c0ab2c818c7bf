import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupChoices, lookupsOf } from "@/lib/tools/lookups";
import { connectGitHub, createUser, type TestUser } from "../support/helpers";
import { startServices, type Services } from "../support/services";

/** Issue 25, item 6: options a tool's service can list are offered as choices, fetched with the person's own connection. */

let services: Services;
let owner: TestUser;

beforeAll(async () => {
  services = await startServices();
  owner = await createUser("lookups", "owner"); // acts with the instance keys of Slack and Linear, as an owner does
  await connectGitHub(owner.id);
});
afterAll(() => services.close());

describe("tool lookups", () => {
  it("are declared for the tools whose options a service can list, and for no other", () => {
    expect(lookupsOf("github-create-issue").map((lookup) => [lookup.label, lookup.fields])).toEqual([["Repository", ["owner", "repo"]]]);
    expect(lookupsOf("slack-post-message").map((lookup) => lookup.fields)).toEqual([["channel"]]);
    expect(lookupsOf("linear-create-project").map((lookup) => lookup.fields)).toEqual([["teamId"]]);
    expect(lookupsOf("api-call")).toEqual([]);
  });

  it("offer the connected GitHub account's repositories, each filling in owner and repo", async () => {
    const [repositories] = await lookupChoices(owner, "github-create-issue");
    expect(repositories!.error).toBeUndefined();
    expect(repositories!.choices).toEqual(
      expect.arrayContaining([
        { label: "octocat/hello-world", values: { owner: "octocat", repo: "hello-world" } },
        { label: "octocat/secret-plans", values: { owner: "octocat", repo: "secret-plans" } },
      ]),
    );
  });

  it("offer Slack channels by id and Linear teams", async () => {
    const [channels] = await lookupChoices(owner, "slack-post-message");
    expect(channels!.choices).toContainEqual({ label: "#general", values: { channel: "C0GENERAL" } });
    const [teams] = await lookupChoices(owner, "linear-create-project");
    expect(teams!.choices).toEqual([{ label: "Engineering (ENG)", values: { teamId: "team-eng-0001" } }]);
  });

  it("say why there is nothing to choose when the person has no connection, and the field stays free text", async () => {
    const newcomer = await createUser("lookups-newcomer");
    const [repositories] = await lookupChoices(newcomer, "github-create-issue");
    expect(repositories!.choices).toEqual([]);
    expect(repositories!.error).toMatch(/GitHub/);
  });
});
