import { describe, expect, it } from "vitest";
import { deleteView, listViews, MAX_VIEWS, saveView, ViewError, viewQuery } from "@/lib/webhooks/views";
import { createUser } from "../support/helpers";

describe("saved views of the log", () => {
  it("keeps the filters (validated, in the log's order, without the page) per person and workspace", async () => {
    const owner = await createUser("views", "owner");
    const teammate = await createUser("views-mate", "member", { workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createUser("views-stranger");

    await saveView(owner, "Failed pushes", "q=octocat&status=failed&event=push&cursor=1.2&range=7d");
    await saveView(teammate, "Mine", "provider=stripe");
    expect(await listViews(owner)).toEqual([{ id: expect.any(Number), name: "Failed pushes", query: "range=7d&event=push&status=failed&q=octocat" }]);
    expect((await listViews(teammate)).map((view) => view.name)).toEqual(["Mine"]);
    expect(await listViews(stranger)).toEqual([]);

    // The same name replaces; another person's id deletes nothing.
    await saveView(owner, "Failed pushes", "status=failed");
    const [view] = await listViews(owner);
    expect(view!.query).toBe("status=failed");
    expect(await deleteView(teammate, view!.id)).toBe(false);
    expect(await deleteView(stranger, view!.id)).toBe(false);
    expect(await deleteView(owner, view!.id)).toBe(true);
    expect(await listViews(owner)).toEqual([]);
  });

  it("refuses filters the log does not understand, and more than the limit", async () => {
    expect(() => viewQuery("status=exploded")).toThrow(ViewError);
    const person = await createUser("views-many");
    for (let index = 0; index < MAX_VIEWS; index++) await saveView(person, `View ${index}`, `q=term-${index}`);
    await expect(saveView(person, "One more", "q=more")).rejects.toThrow(ViewError);
    await saveView(person, "View 3", "q=renamed"); // replacing one is still fine
    expect((await listViews(person)).find((view) => view.name === "View 3")!.query).toBe("q=renamed");
  });
});
