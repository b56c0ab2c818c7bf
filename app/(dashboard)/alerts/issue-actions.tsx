import { inputClass } from "@/app/_components/ui";
import { MUTE_HOURS, type Alert } from "@/lib/outbox/alerts";
import { ActionForm } from "../webhooks/action-form";
import { changeIssueAction } from "./actions";

const muteLabel = (hours: number) => (hours === 1 ? "1 hour" : hours < 48 ? `${hours} hours` : `${hours / 24} days`);

/**
 * Resolve (it opens again when it recurs), Ignore (counted, quiet) and Mute for a time; an issue put
 * aside can be reopened. `muted` says whether the issue is muted now (a mute that ran out is open).
 */
export function IssueActions({ issue, muted }: { issue: Alert; muted: boolean }) {
  const open = issue.status === "open" || (issue.status === "muted" && !muted);
  if (!open)
    return (
      <ActionForm action={changeIssueAction} submitLabel="Reopen" pendingLabel="…" variant="secondary">
        <input type="hidden" name="alertId" value={issue.id} />
        <input type="hidden" name="to" value="open" />
      </ActionForm>
    );
  return (
    <div className="flex flex-wrap items-start gap-2">
      <ActionForm action={changeIssueAction} submitLabel="Resolve" pendingLabel="…" variant="secondary">
        <input type="hidden" name="alertId" value={issue.id} />
        <input type="hidden" name="to" value="resolved" />
      </ActionForm>
      <ActionForm action={changeIssueAction} submitLabel="Ignore" pendingLabel="…" variant="secondary">
        <input type="hidden" name="alertId" value={issue.id} />
        <input type="hidden" name="to" value="ignored" />
      </ActionForm>
      <ActionForm action={changeIssueAction} submitLabel="Mute" pendingLabel="…" variant="secondary" className="flex items-start gap-2 space-y-0">
        <input type="hidden" name="alertId" value={issue.id} />
        <input type="hidden" name="to" value="muted" />
        <label className="sr-only" htmlFor={`mute-${issue.id}`}>
          Mute for
        </label>
        <select id={`mute-${issue.id}`} name="hours" defaultValue="24" className={`${inputClass} w-auto py-1.5`}>
          {MUTE_HOURS.map((hours) => (
            <option key={hours} value={hours}>
              {muteLabel(hours)}
            </option>
          ))}
        </select>
      </ActionForm>
    </div>
  );
}
