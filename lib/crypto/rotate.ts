import "server-only";
import { eq, isNotNull, sql } from "drizzle-orm";
import { execute, transaction } from "@/db/client";
import { sealedColumns } from "@/db/sealed-columns";
import { isSealedWithCurrentKey, reseal, type KeyRing } from "./index";

/**
 * Re-seals every sealed value that is not yet under the current key, in one transaction.
 * Returns how many values were rewritten. Values that fail to open abort the whole rotation.
 *
 * Each value is replaced only if it is still the one read (compare and set): on PostgreSQL other
 * processes keep writing while the rotation runs (a token refresh saves a new pair), and a stale
 * re-sealed copy must not overwrite the newer value. A value that changed is read again and
 * re-sealed if it still needs it. (On SQLite the transaction holds the write lock, so nothing changes.)
 */
export function rotateSealedColumns(ring: KeyRing): Promise<number> {
  return transaction(async (tx) => {
    let rewritten = 0;
    for (const { table, tableName, idColumn, column, columnName } of sealedColumns) {
      const rows = await tx.select({ id: idColumn, value: column }).from(table).where(isNotNull(column));
      for (const found of rows) {
        let value: string | null = found.value;
        while (value && !isSealedWithCurrentKey(ring, value)) {
          const next = reseal(ring, value, { table: tableName, column: columnName, id: found.id });
          const where = sql`${sql.identifier(idColumn.name)} = ${found.id} and ${sql.identifier(column.name)} = ${value}`;
          if ((await execute(sql`update ${table} set ${sql.identifier(column.name)} = ${next} where ${where}`)) === 1) {
            rewritten++;
            break;
          }
          const [current] = await tx.select({ value: column }).from(table).where(eq(idColumn, found.id)).limit(1);
          value = current?.value ?? null;
        }
      }
    }
    return rewritten;
  });
}
