/**
 * npm run keys:rotate: re-seals every sealed column with ENCRYPTION_KEY. Put the old key in
 * ENCRYPTION_PREVIOUS_KEYS first; once this reports, the old key can be dropped.
 */
import { closeDatabase } from "@/db/client";
import { keyRing } from "@/lib/crypto";
import { rotateSealedColumns } from "@/lib/crypto/rotate";

const ring = keyRing();
const rewritten = await rotateSealedColumns(ring);
await closeDatabase();
console.log(`re-sealed ${rewritten} value${rewritten === 1 ? "" : "s"} with key ${ring.current.id}`);
