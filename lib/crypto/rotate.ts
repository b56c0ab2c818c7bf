import "server-only";
import { isNotNull, sql } from "drizzle-orm";
import { execute, transaction } from "@/db/client";
import { sealedColumns } from "@/db/sealed-columns";
import { isSealedWithCurrentKey, reseal, type KeyRing } from "./index";

/**
 * Re-seals every sealed value that is not yet under the current key, in one transaction.
 * Returns how many values were rewritten. Values that fail to open abort the whole rotation.
 */
export function rotateSealedColumns(ring: KeyRing): Promise<number> {
  return transaction(async (tx) => {
    let rewritten = 0;
    for (const { table, tableName, idColumn, column, columnName } of sealedColumns) {
      const rows = await tx.select({ id: idColumn, value: column }).from(table).where(isNotNull(column));
      for (const row of rows) {
        if (!row.value || isSealedWithCurrentKey(ring, row.value)) continue;
        const next = reseal(ring, row.value, { table: tableName, column: columnName, id: row.id });
        await execute(sql`update ${table} set ${sql.identifier(column.name)} = ${next} where ${sql.identifier(idColumn.name)} = ${row.id}`);
        rewritten++;
      }
    }
    return rewritten;
  });
}
