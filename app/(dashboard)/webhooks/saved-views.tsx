"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import { deleteViewAction, saveViewAction, type WebhookActionState } from "./actions";

type View = { id: number; name: string; query: string };

const linkClass = "font-medium text-indigo-700 hover:underline dark:text-indigo-400";

/**
 * This person's saved views of the log (links to their filters), saving the current filters under
 * a name, and exporting what is filtered as CSV or JSON.
 */
export function SavedViews({ views, query }: { views: View[]; query: string }) {
  const [saved, save, saving] = useActionState<WebhookActionState, FormData>(saveViewAction, undefined);
  const [removed, remove] = useActionState<WebhookActionState, FormData>(deleteViewAction, undefined);
  const [naming, setNaming] = useState(false);
  const outcome = saved ?? removed;
  const exportHref = (format: "csv" | "json") => `/api/deliveries/export?${new URLSearchParams([["format", format], ...new URLSearchParams(query)])}`;
  return (
    <section aria-label="Saved views and export" className="mb-4 space-y-2 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <span className="text-zinc-600 dark:text-zinc-400">Views:</span>
        {views.length === 0 && <span className="text-zinc-600 dark:text-zinc-400">none saved yet</span>}
        <ul className="contents" aria-label="Saved views">
          {views.map((view) => (
            <li key={view.id} className="inline-flex items-center gap-1 rounded-md border border-zinc-300 px-2 py-0.5 dark:border-zinc-700">
              <Link href={view.query ? `/webhooks?${view.query}` : "/webhooks"} aria-current={view.query === query ? "true" : undefined} className={linkClass}>
                {view.name}
              </Link>
              <form action={remove}>
                <input type="hidden" name="viewId" value={view.id} />
                <button type="submit" aria-label={`Delete the view ${view.name}`} className="px-1 text-zinc-600 hover:text-red-700 dark:text-zinc-400">
                  ×
                </button>
              </form>
            </li>
          ))}
        </ul>
        {!naming && (
          <button type="button" onClick={() => setNaming(true)} className={linkClass}>
            Save this view
          </button>
        )}
        <span className="text-zinc-600 dark:text-zinc-400">·</span>
        <span className="text-zinc-600 dark:text-zinc-400">Export what is filtered:</span>
        <a href={exportHref("csv")} className={linkClass} download>
          CSV
        </a>
        <a href={exportHref("json")} className={linkClass} download>
          JSON
        </a>
      </div>
      {naming && (
        <form
          action={(form) => {
            save(form);
            setNaming(false);
          }}
          className="flex flex-wrap items-end gap-2"
        >
          <input type="hidden" name="query" value={query} />
          <label className="space-y-1 text-xs font-medium">
            <span>View name</span>
            <input name="name" required maxLength={80} className={inputClass} autoFocus placeholder="Failed pushes this week" />
          </label>
          <Button type="submit" disabled={saving}>
            Save view
          </Button>
          <Button type="button" variant="secondary" onClick={() => setNaming(false)}>
            Cancel
          </Button>
        </form>
      )}
      {outcome?.ok && <Alert tone="success">{outcome.ok}</Alert>}
      {outcome?.error && <Alert>{outcome.error}</Alert>}
    </section>
  );
}
