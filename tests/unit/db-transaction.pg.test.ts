import { is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import { affectedRows, db, execute, rows, transaction, usingPostgres } from "@/db/client";
import * as schema from "@/db/schema";
import * as sqliteSchema from "@/db/schema-sqlite";

const user = schema.users;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const emails = async () => (await db().select({ email: user.email }).from(user).orderBy(user.email)).map((row) => row.email);
const add = (email: string) => db().insert(user).values({ id: email, email, role: "member" });

describe("the async data-access API", () => {
  beforeAll(async () => {
    await execute(sql`delete from "user"`);
  });

  it("hands out every table in the dialect of DATABASE_URL", () => {
    const names = Object.entries(sqliteSchema)
      .filter(([, value]) => is(value, SQLiteTable))
      .map(([name]) => name);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(is((schema as Record<string, unknown>)[name], usingPostgres() ? PgTable : SQLiteTable), name).toBe(true);
  });

  it("commits every statement of a transaction together and resolves with its result", async () => {
    const result = await transaction(async (tx) => {
      await tx.insert(user).values({ id: "t1", email: "t1@example.com", role: "member" });
      await pause(5);
      await tx.insert(user).values({ id: "t2", email: "t2@example.com", role: "member" });
      return "done";
    });
    expect(result).toBe("done");
    expect(await emails()).toEqual(["t1@example.com", "t2@example.com"]);
  });

  it("rolls every statement back when the body throws", async () => {
    await expect(
      transaction(async (tx) => {
        await tx.insert(user).values({ id: "r1", email: "r1@example.com", role: "member" });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await emails()).not.toContain("r1@example.com");
  });

  it("holds queries from outside back until the transaction ends, so a rollback never takes them along", async () => {
    const seenOutside: (string | null)[][] = [];
    const inside = transaction(async (tx) => {
      await tx.insert(user).values({ id: "g1", email: "g1@example.com", role: "member" });
      await pause(30);
      throw new Error("rolled back");
    });
    await pause(5);
    // Started while the transaction waits: must neither see its row nor be rolled back with it.
    const outside = (async () => {
      seenOutside.push(await emails());
      await add("outside@example.com");
    })();
    await expect(inside).rejects.toThrow("rolled back");
    await outside;
    expect(seenOutside[0]).not.toContain("g1@example.com");
    expect(await emails()).toContain("outside@example.com");
    expect(await emails()).not.toContain("g1@example.com");
  });

  it("runs concurrent transactions whole (one after the other on SQLite), and a nested one joins its parent", async () => {
    const order: string[] = [];
    const run = (name: string) =>
      transaction(async (tx) => {
        order.push(`${name} start`);
        await tx.insert(user).values({ id: name, email: `${name}@example.com`, role: "member" });
        await pause(10);
        await transaction(async (nested) => {
          await nested.insert(user).values({ id: `${name}-nested`, email: `${name}-nested@example.com`, role: "member" });
        });
        order.push(`${name} end`);
      });
    await Promise.all([run("c1"), run("c2"), run("c3")]);
    // SQLite has one connection, so they take turns; PostgreSQL runs them side by side on pooled connections.
    if (!usingPostgres()) expect(order).toEqual(["c1 start", "c1 end", "c2 start", "c2 end", "c3 start", "c3 end"]);
    else expect(order.toSorted()).toEqual(["c1 end", "c1 start", "c2 end", "c2 start", "c3 end", "c3 start"]);
    expect(await emails()).toEqual(expect.arrayContaining(["c1-nested@example.com", "c2-nested@example.com", "c3-nested@example.com"]));
  });

  it("runs raw SQL through rows and execute, and counts affected rows of builder writes", async () => {
    await add("raw@example.com");
    const found = await rows<{ email: string }>(sql`select email as "email" from "user" where id = ${"raw@example.com"}`);
    expect(found).toEqual([{ email: "raw@example.com" }]);
    expect(await execute(sql`update "user" set name = 'Raw' where id = ${"raw@example.com"}`)).toBe(1);
    expect(
      affectedRows(
        await db()
          .update(user)
          .set({ name: "Raw again" })
          .where(sql`id = ${"raw@example.com"}`),
      ),
    ).toBe(1);
  });
});

describe("raw SQL results", () => {
  it("read 64-bit integers and counts as numbers in both dialects", async () => {
    const [row] = await rows<{ count: unknown; big: unknown }>(sql`select count(*) as "count", cast(1764547200000 as bigint) as "big" from "user"`);
    expect(typeof row!.count).toBe("number");
    expect(row!.big).toBe(1764547200000);
  });
});
