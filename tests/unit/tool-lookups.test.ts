import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { beginAuthorization, completeAuthorization } from "@/lib/connections/oauth/flow";
import { toolAccountChoices } from "@/lib/catalog/catalog";
import { saveApiKey } from "@/lib/connections/api-keys";
import { lookupChoices, lookupsOf } from "@/lib/tools/lookups";
import { connectGitHub, createUser, type TestUser } from "../support/helpers";
import { startServices, type Services } from "../support/services";

const session = vi.hoisted(() => ({ current: null as { user: { id: string } } | null }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
const { toolLookupsAction } = await import("@/app/(dashboard)/tools/actions");

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

/** Connects the fake GitHub's second account (hubot), approving it on the consent page as a person would. */
async function connectSecondAccount(userId: string) {
  const authorizeUrl = await beginAuthorization(userId, "github");
  const form = new URLSearchParams(authorizeUrl.searchParams);
  form.set("decision", "approve-hubot");
  const response = await fetch(new URL("/login/oauth/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  return completeAuthorization(userId, "github", new URL(response.headers.get("location")!));
}

const repositoriesOf = (results: { choices: { label: string }[] }[]) => results[0]!.choices.map((choice) => choice.label).sort();

describe("tool lookups with the connection the form chose", () => {
  it("list the chosen account's choices, and ignore an account that is not the person's", async () => {
    const me = await createUser("lookups-accounts");
    await connectGitHub(me.id);
    await connectSecondAccount(me.id);
    const accounts = (await toolAccountChoices(me, "github-create-issue"))[0]!.accounts;
    const octocat = accounts.find((account) => account.label === "@octocat")!.id;
    const hubot = accounts.find((account) => account.label === "@hubot")!.id;

    // The default (the oldest account), and each account chosen by id.
    expect(repositoriesOf(await lookupChoices(me, "github-create-issue"))).toEqual(["octocat/hello-world", "octocat/secret-plans"]);
    expect(repositoriesOf(await lookupChoices(me, "github-create-issue", { github: octocat }))).toEqual(["octocat/hello-world", "octocat/secret-plans"]);
    expect(repositoriesOf(await lookupChoices(me, "github-create-issue", { github: hubot }))).toEqual(["hubot/hubot-scripts", "octocat/hello-world"]);

    // Someone else's connection id is not theirs to use: the person's default answers instead.
    const stranger = await createUser("lookups-stranger");
    await connectSecondAccount(stranger.id);
    const theirs = (await toolAccountChoices(stranger, "github-create-issue"))[0]!.accounts[0]!.id;
    expect(repositoriesOf(await lookupChoices(me, "github-create-issue", { github: theirs }))).toEqual(["octocat/hello-world", "octocat/secret-plans"]);
    expect(repositoriesOf(await lookupChoices(stranger, "github-create-issue", { github: octocat }))).toEqual(["hubot/hubot-scripts", "octocat/hello-world"]);
  });

  it("list with the workspace's shared key when the form chose it, and with the person's own key otherwise", async () => {
    const admin = await createUser("lookups-admin");
    const member = await createUser("lookups-member", "member", { workspaceId: admin.workspaceId, role: "member" });
    const ownKey = "lin_api_memberownkey000000000000";
    const sharedKey = "lin_api_workspacesharedkey000000";
    await saveApiKey(member.id, "linear", ownKey, { unchecked: true });
    const shared = await saveApiKey(admin.id, "linear", sharedKey, { unchecked: true, sharedIn: admin.workspaceId });
    const accounts = (await toolAccountChoices(member, "linear-create-project"))[0]!.accounts;
    expect(accounts.map((account) => account.label)).toEqual(["Your API key ….0000", "Shared API key ….0000"]);
    const keyOfTeamsLookup = () => services.linear.calls.filter((call) => call.operation === "teams").at(-1)!.authorization;

    const [byDefault] = await lookupChoices(member, "linear-create-project");
    expect(byDefault!.choices).toEqual([{ label: "Engineering (ENG)", values: { teamId: "team-eng-0001" } }]);
    expect(keyOfTeamsLookup()).toBe(ownKey);
    const [withShared] = await lookupChoices(member, "linear-create-project", { linear: shared.id });
    expect(withShared!.error).toBeUndefined();
    expect(keyOfTeamsLookup()).toBe(sharedKey);
  });

  it("are listed again by the tool page's action for the chosen account, signed in and in the person's workspace only", async () => {
    const me = await createUser("lookups-action");
    await connectGitHub(me.id);
    await connectSecondAccount(me.id);
    const hubot = (await toolAccountChoices(me, "github-create-issue"))[0]!.accounts.find((account) => account.label === "@hubot")!.id;
    const viewer = await createUser("lookups-viewer", "member", { workspaceId: me.workspaceId, role: "viewer" });
    try {
      session.current = { user: { id: me.id } };
      const mine = await toolLookupsAction("github-create-issue", { github: hubot });
      expect("lookups" in mine && repositoriesOf(mine.lookups)).toEqual(["hubot/hubot-scripts", "octocat/hello-world"]);
      expect(await toolLookupsAction("github-create-issue", { github: 42 })).toEqual({ error: "The chosen account is not valid; reload the page." });
      expect(await toolLookupsAction("no-such-tool", {})).toEqual({ error: "There is no such tool." });

      // A viewer of the workspace without a GitHub connection of their own: another member's account is not theirs to list with.
      session.current = { user: { id: viewer.id } };
      expect(await toolLookupsAction("github-create-issue", { github: hubot })).toEqual({ lookups: [] });
    } finally {
      session.current = null;
    }
  });
});
