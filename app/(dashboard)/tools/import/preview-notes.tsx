"use client";

import type { ImportPreview as Preview } from "@/lib/openapi/preview";
import { ProblemList } from "./import-client";

type Props = { preview: Preview; replacing: boolean; confirmed: boolean; onConfirmed: (confirmed: boolean) => void };

/** What the preview found besides the operations: warnings, skipped operations, and what replacing an earlier import changes. */
export function PreviewNotes({ preview, replacing, confirmed, onConfirmed: setConfirmed }: Props) {
  return (
    <>
      {preview.warnings.length > 0 && (
        <details className="text-sm" open={preview.warnings.length <= 20} data-testid="preview-warnings">
          <summary className="cursor-pointer font-medium text-amber-700 dark:text-amber-300">
            {preview.warnings.length} {preview.warnings.length === 1 ? "warning" : "warnings"}: the description breaks its specification here, and is read
            anyway
          </summary>
          <div className="mt-2">
            <ProblemList problems={preview.warnings} />
          </div>
        </details>
      )}
      {preview.skipped.length > 0 && (
        <div className="text-sm" data-testid="preview-skipped">
          <p className="font-medium text-red-700 dark:text-red-300">
            {preview.skipped.length} {preview.skipped.length === 1 ? "operation is" : "operations are"} skipped; the others import:
          </p>
          <ProblemList problems={preview.skipped.map((skip) => ({ location: `${skip.method} ${skip.path}`, message: skip.reason }))} />
        </div>
      )}
      {preview.replaces && replacing && (
        <section aria-label="Changes" className="space-y-2 rounded-md border border-sky-300 p-3 text-sm dark:border-sky-800" data-testid="preview-diff">
          <p className="font-medium">
            You imported {preview.replaces.title} before ({preview.replaces.operationCount} operations). Saving replaces it: {preview.replaces.added.length}{" "}
            added, {preview.replaces.removed.length} removed, {preview.replaces.changed.length} changed, {preview.replaces.unchanged} unchanged. Your choices
            are kept for the operations that remain.
          </p>
          <ul className="space-y-0.5 font-mono text-xs">
            {preview.replaces.added.map((operation) => (
              <li key={`added-${operation.toolId}`}>
                + added {operation.method} {operation.path}
              </li>
            ))}
            {preview.replaces.removed.map((operation) => (
              <li key={`removed-${operation.toolId}`}>
                − removed {operation.method} {operation.path}
              </li>
            ))}
            {preview.replaces.changed.map((operation) => (
              <li key={`changed-${operation.toolId}`}>
                ~ changed {operation.method} {operation.path} ({operation.changed.join(", ")})
              </li>
            ))}
          </ul>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} /> Apply these changes
          </label>
        </section>
      )}
    </>
  );
}
