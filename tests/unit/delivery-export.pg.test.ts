import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { csvField, exportStream } from "@/lib/webhooks/export";
import { deliveryFiltersSchema } from "@/lib/webhooks/queries";
import { createUser } from "../support/helpers";

const NOW = Date.UTC(2026, 10, 24, 12, 30);
let workspaceId: string;
let otherWorkspaceId: string;

function row(workspace: string, index: number, extra: Partial<typeof webhookDeliveries.$inferInsert> = {}): typeof webhookDeliveries.$inferInsert {
  return {
    workspaceId: workspace,
    providerId: "github",
    dedupeKey: crypto.randomUUID(),
    deliveryId: `export-${index}`,
    event: "issues",
    action: "opened",
    repository: "octocat/export",
    receivedAt: NOW - index * 60_000,
    headers: {},
    body: "{}",
    bodyBytes: 2,
    verified: true,
    status: index % 3 === 0 ? "failed" : "processed",
    ...extra,
  };
}

async function read(workspace: string, query: Record<string, string>, format: "csv" | "json"): Promise<string> {
  return await new Response(exportStream(workspace, deliveryFiltersSchema.parse(query), format, NOW)).text();
}

beforeAll(async () => {
  workspaceId = (await createUser("export", "owner")).workspaceId;
  otherWorkspaceId = (await createUser("export-other")).workspaceId;
  // More than one export page (500), so the keyset walk is exercised.
  const rows = Array.from({ length: 1203 }, (_, index) => row(workspaceId, index));
  rows.push(row(workspaceId, 5000, { deliveryId: "tricky", lastError: '=HYPERLINK("x"), then "quoted"\nsecond line', status: "failed" }));
  rows.push(row(otherWorkspaceId, 1, { deliveryId: "not-yours" }));
  for (let from = 0; from < rows.length; from += 300)
    await db()
      .insert(webhookDeliveries)
      .values(rows.slice(from, from + 300));
});

describe("exporting the log", () => {
  it("streams every matching delivery of the workspace as CSV, newest first, with a header", async () => {
    const lines = (await read(workspaceId, {}, "csv")).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("id,receivedAt,service,event,action,repository,deliveryId,endpointId,status,verified,attempts,processingMs,error,reason");
    expect(lines.filter((line) => line.includes("export-"))).toHaveLength(1203);
    expect(lines[1]).toContain(",export-0,");
    expect(lines.join("\n")).not.toContain("not-yours");
  });

  it("exports what is filtered", async () => {
    const failed = JSON.parse(await read(workspaceId, { status: "failed", q: "export-1" }, "json")) as { deliveryId: string; status: string }[];
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((row) => row.status === "failed" && row.deliveryId.startsWith("export-1"))).toBe(true);
    expect(JSON.parse(await read(workspaceId, { q: "nothing-matches-this" }, "json"))).toEqual([]);
    expect(await read(workspaceId, { q: "nothing-matches-this" }, "csv")).toBe(
      "id,receivedAt,service,event,action,repository,deliveryId,endpointId,status,verified,attempts,processingMs,error,reason\r\n",
    );
  });

  it("writes JSON a parser reads back, with ISO times", async () => {
    const rows = JSON.parse(await read(workspaceId, { range: "1h" }, "json")) as { receivedAt: string; deliveryId: string }[];
    expect(rows).toHaveLength(61); // 0 to 60 minutes ago
    expect(rows[0]).toMatchObject({ deliveryId: "export-0", receivedAt: new Date(NOW).toISOString(), service: "github", event: "issues", action: "opened" });
  });

  it("quotes fields and defuses spreadsheet formulas", async () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField(-5)).toBe("-5");
    expect(csvField(null)).toBe("");
    const text = await read(workspaceId, { q: "tricky" }, "csv");
    expect(text).toContain(`"'=HYPERLINK(""x""), then ""quoted""\nsecond line"`);
  });
});
