import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, type Db } from "@/db/client";
import { users } from "@/db/schema";
import { writtenTogether } from "@/db/written-together";

/** Each item a person to insert by email; returns how many rows its batch's transaction wrote before it. */
function peopleWriter() {
  const batches: string[][] = [];
  const write = writtenTogether(async (tx: Db, emails: string[]) => {
    batches.push(emails);
    const results: number[] = [];
    for (const [index, email] of emails.entries()) {
      await tx.insert(users).values({ name: "together", email });
      results.push(index);
    }
    return results;
  });
  return { write, batches };
}

const emailsIn = async (emails: string[]) =>
  (await db().select({ email: users.email }).from(users).where(inArray(users.email, emails))).map((row) => row.email).sort();

describe("writtenTogether", () => {
  it("writes the items handed in during one turn in one transaction, each getting its own result", async () => {
    const { write, batches } = peopleWriter();
    const emails = ["a@together.test", "b@together.test", "c@together.test"];
    expect(await Promise.all(emails.map((email) => write(email)))).toEqual([0, 1, 2]);
    expect(batches).toEqual([emails]);
    expect(await emailsIn(emails)).toEqual(emails);
  });

  it("fails only the item at fault when its batch fails: the batch is rolled back and written again item by item", async () => {
    await db().insert(users).values({ name: "already there", email: "taken@together.test" });
    const { write, batches } = peopleWriter();
    const emails = ["d@together.test", "taken@together.test", "e@together.test"];
    const settled = await Promise.allSettled(emails.map((email) => write(email)));
    expect(settled.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(settled.map((result) => (result.status === "fulfilled" ? result.value : undefined))).toEqual([0, undefined, 0]);
    // The batch, then each alone: the rows the failed batch wrote before the duplicate were rolled back, so each good one is there once.
    expect(batches).toEqual([emails, ["d@together.test"], ["taken@together.test"], ["e@together.test"]]);
    expect(await emailsIn(emails)).toEqual(["d@together.test", "e@together.test", "taken@together.test"]);
    expect(
      await db()
        .select()
        .from(users)
        .where(inArray(users.email, ["d@together.test"])),
    ).toHaveLength(1);
  });
});
