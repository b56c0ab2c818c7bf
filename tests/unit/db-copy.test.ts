import { eq, getTableName, sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { copySqliteToPostgres, tablesInDependencyOrder } from "@/db/copy";
import * as pgSchema from "@/db/schema-pg";
import { connections, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { saveApiKey } from "@/lib/connections/api-keys";
import { keyRing, unseal } from "@/lib/crypto";
import { env } from "@/lib/platform/env";
import { insertAccepted } from "@/lib/webhooks/deliveries";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createUser } from "../support/helpers";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../support/postgres";

/*
 * npm run db:copy: a SQLite install moved to PostgreSQL, every row, secrets still sealed and
 * still opening with the same key. Runs in the sqlite project (the source is this file's SQLite
 * database) with a throwaway PostgreSQL of its own as the target.
 */
let cluster: ThrowawayPostgres;
let pool: pg.Pool;
let target: NodePgDatabase<typeof pgSchema>;

beforeAll(async () => {
  cluster = await startThrowawayPostgres();
  pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  target = drizzle(pool, { schema: pgSchema });
}, 90_000);

afterAll(async () => {
  await pool?.end();
  await cluster?.stop();
}, 60_000);

describe("copying a SQLite install to PostgreSQL", () => {
  it("orders tables so every foreign key points at a table copied before it", () => {
    const names = tablesInDependencyOrder().map((table) => getTableName(table));
    expect(names.indexOf("user")).toBeLessThan(names.indexOf("connections"));
    expect(names.indexOf("user")).toBeLessThan(names.indexOf("memberships"));
    expect(names.indexOf("workspaces")).toBeLessThan(names.indexOf("memberships"));
    expect(names.indexOf("workspaces")).toBeLessThan(names.indexOf("webhook_endpoints"));
    expect(names.indexOf("webhook_endpoints")).toBeLessThan(names.indexOf("webhook_deliveries"));
    expect(names.indexOf("webhook_deliveries")).toBeLessThan(names.indexOf("webhook_attempts"));
  });

  it("copies every row with its id, keeps secrets sealed and openable, and continues the id sequences", async () => {
    const user = await createUser("copier");
    await saveApiKey(user.id, "openweather", "ow-secret-key-0123456789", { unchecked: true });
    const { endpoint, secret } = await createEndpoint(user, { providerId: "github", description: "copied hooks", events: ["push"] });
    for (let index = 0; index < 3; index++) {
      await insertAccepted({
        workspaceId: user.workspaceId,
        endpointId: endpoint.id,
        providerId: "github",
        dedupeKey: `copy:${index}`,
        deliveryId: `copy-${index}`,
        event: "push",
        receivedAt: Date.now(),
        headers: { "x-github-event": "push" },
        body: `{"n":${index}}`,
        bodyBytes: 7,
        verified: true,
        status: "received",
        nextAttemptAt: Date.now(),
      });
    }

    const report = await copySqliteToPostgres(env().DATABASE_PATH, cluster.url);
    const copied = Object.fromEntries(report.map((entry) => [entry.table, entry.rows]));
    // The default workspace every install has, and the copier's own.
    expect(copied).toMatchObject({ user: 1, workspaces: 2, memberships: 1, connections: 1, webhook_endpoints: 1, webhook_deliveries: 3 });

    const [sourceEndpoint] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    const [copiedEndpoint] = await target.select().from(pgSchema.webhookEndpoints).where(eq(pgSchema.webhookEndpoints.id, endpoint.id));
    expect(copiedEndpoint!.secretSealed).toBe(sourceEndpoint!.secretSealed);
    expect(copiedEndpoint!.secretSealed).not.toContain(secret);
    expect(unseal(keyRing(), copiedEndpoint!.secretSealed, { table: "webhook_endpoints", column: "secret", id: endpoint.id })).toBe(secret);
    expect(copiedEndpoint!.createdAt).toBeInstanceOf(Date);

    const [sourceConnection] = await db().select().from(connections).where(eq(connections.userId, user.id));
    const [copiedConnection] = await target.select().from(pgSchema.connections).where(eq(pgSchema.connections.userId, user.id));
    expect(unseal(keyRing(), copiedConnection!.apiKeySealed!, { table: "connections", column: "api_key", id: sourceConnection!.id })).toBe(
      "ow-secret-key-0123456789",
    );

    const sourceDeliveries = await db().select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
    const copiedDeliveries = await target.select().from(pgSchema.webhookDeliveries).orderBy(pgSchema.webhookDeliveries.id);
    expect(copiedDeliveries.map((row) => [row.id, row.dedupeKey, row.verified, row.headers])).toEqual(
      sourceDeliveries.map((row) => [row.id, row.dedupeKey, row.verified, row.headers]),
    );

    // A delivery stored after the move gets the next id, not one of the copied ones.
    const [next] = await target
      .insert(pgSchema.webhookDeliveries)
      .values({
        workspaceId: user.workspaceId,
        providerId: "github",
        dedupeKey: "after-copy",
        receivedAt: Date.now(),
        headers: {},
        body: "{}",
        bodyBytes: 2,
        verified: true,
        status: "received",
      })
      .returning({ id: pgSchema.webhookDeliveries.id });
    expect(next!.id).toBe(Math.max(...sourceDeliveries.map((row) => row.id)) + 1);
  });

  it("refuses a PostgreSQL database that already holds rows", async () => {
    await expect(copySqliteToPostgres(env().DATABASE_PATH, cluster.url)).rejects.toThrow(/not empty/);
    const [row] = (await target.execute(sql`select count(*) as "count" from webhook_deliveries`)).rows as { count: number }[];
    expect(Number(row!.count)).toBe(4);
  });
});
