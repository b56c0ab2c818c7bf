import { describe, expect, it } from "vitest";
import { toolSummaries, toolSummary } from "@/lib/catalog/catalog";
import { createUser } from "../support/helpers";

describe("the tool catalog's readiness", () => {
  it("says which connection a tool needs, and a search across services is ready once any one of them is", async () => {
    const user = await createUser("catalog", "owner"); // an owner, who acts with the instance keys
    const byId = Object.fromEntries((await toolSummaries(user)).map((tool) => [tool.id, tool]));
    expect(byId["github-create-issue"]).toMatchObject({ ready: false, reason: "Connect GitHub first", providerName: "GitHub" });
    expect(byId["api-call"]).toMatchObject({ ready: true });
    expect(byId["multi-service-search"]).toMatchObject({ ready: false, reason: "Connect GitHub, Linear or Notion first" });
    process.env.LINEAR_API_KEY = "lin_api_catalogtest000000000000";
    try {
      expect(await toolSummary(user, "multi-service-search")).toMatchObject({ ready: true });
    } finally {
      delete process.env.LINEAR_API_KEY;
    }
  });
});
