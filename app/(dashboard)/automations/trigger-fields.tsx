"use client";

import { useMemo } from "react";
import { inputClass } from "@/app/_components/ui";
import type { AutomationDefinition } from "@/lib/automations/definition";
import { cronProblem, upcomingTimes } from "@/lib/automations/schedule-time";
import { areaClass, type AutomationFile, type EditorOptions, labelClass } from "./editor-shared";

/** The editor's "When": the trigger's kind and its fields. */
export function TriggerFields({ file, setFile, options }: { file: AutomationFile; setFile: (file: AutomationFile) => void; options: EditorOptions }) {
  const trigger = file.definition.trigger;
  const setTrigger = (next: AutomationDefinition["trigger"]) => setFile({ ...file, definition: { ...file.definition, trigger: next } });
  const upcoming = useMemo(() => {
    if (trigger.kind !== "schedule") return { problem: undefined, times: [] as number[] };
    const problem = cronProblem(trigger.cron, trigger.timezone);
    return { problem, times: problem ? [] : upcomingTimes(trigger, options.now) };
  }, [trigger, options.now]);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-base font-semibold">When</legend>
      <label className={labelClass}>
        Trigger
        <select
          className={inputClass}
          aria-label="Trigger"
          value={trigger.kind}
          onChange={(event) => {
            const kind = event.target.value;
            if (kind === "delivery") setTrigger({ kind, providerId: options.sources[0]?.id ?? "github" });
            if (kind === "schedule") setTrigger({ kind, cron: "0 9 * * 1-5", timezone: "UTC" });
            if (kind === "manual") setTrigger({ kind, fields: [] });
          }}
        >
          <option value="delivery">A verified webhook delivery</option>
          <option value="schedule">A schedule</option>
          <option value="manual">By hand</option>
        </select>
      </label>
      {trigger.kind === "delivery" && (
        <>
          <div className="grid gap-3 sm:grid-cols-3">
            <label className={labelClass}>
              Source
              <select
                className={inputClass}
                value={trigger.providerId}
                onChange={(event) => setTrigger({ ...trigger, providerId: event.target.value, endpointId: undefined })}
              >
                {options.sources.map((source) => (
                  <option key={source.id} value={source.id}>
                    {source.name}
                  </option>
                ))}
              </select>
            </label>
            <label className={labelClass}>
              Endpoint
              <select
                className={inputClass}
                value={trigger.endpointId ?? ""}
                onChange={(event) => setTrigger({ ...trigger, endpointId: event.target.value || undefined })}
              >
                <option value="">Any (instance URL and every endpoint)</option>
                {options.endpoints
                  .filter((endpoint) => endpoint.providerId === trigger.providerId)
                  .map((endpoint) => (
                    <option key={endpoint.id} value={endpoint.id}>
                      {endpoint.label}
                    </option>
                  ))}
              </select>
            </label>
            <label className={labelClass}>
              Event
              <input
                className={inputClass}
                value={trigger.event ?? ""}
                placeholder="any (or push, issues.labeled)"
                onChange={(event) => setTrigger({ ...trigger, event: event.target.value || undefined })}
              />
            </label>
          </div>
          <label className={labelClass}>
            Filter (JSONata; runs only when true)
            <textarea
              className={areaClass}
              rows={2}
              value={trigger.filter ?? ""}
              placeholder='e.g. payload.label.name = "bug"'
              onChange={(event) => setTrigger({ ...trigger, filter: event.target.value || undefined })}
            />
          </label>
        </>
      )}
      {trigger.kind === "schedule" && (
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={labelClass}>
            Cron (minute hour day month weekday)
            <input className={inputClass} value={trigger.cron} onChange={(event) => setTrigger({ ...trigger, cron: event.target.value })} />
          </label>
          <label className={labelClass}>
            Time zone
            <input className={inputClass} value={trigger.timezone} onChange={(event) => setTrigger({ ...trigger, timezone: event.target.value })} />
          </label>
          <p className="text-sm text-zinc-600 sm:col-span-2 dark:text-zinc-400" data-testid="schedule-next">
            {upcoming.problem ?? `Next: ${upcoming.times.map((time) => new Date(time).toISOString().replace("T", " ").slice(0, 16) + " UTC").join(", ")}`}
          </p>
        </div>
      )}
      {trigger.kind === "manual" && (
        <label className={labelClass}>
          Input fields (one per line: name, or name:number / name:boolean, a trailing ! when required)
          <textarea
            className={areaClass}
            rows={3}
            value={trigger.fields.map((field) => `${field.name}${field.type === "string" ? "" : `:${field.type}`}${field.required ? "!" : ""}`).join("\n")}
            onChange={(event) =>
              setTrigger({
                ...trigger,
                fields: event.target.value
                  .split("\n")
                  .map((line) => line.trim())
                  .filter(Boolean)
                  .map((line) => {
                    const required = line.endsWith("!");
                    const [name, type] = line.replace(/!$/, "").split(":");
                    return { name: name ?? "", type: type === "number" || type === "boolean" ? type : "string", required };
                  }),
              })
            }
          />
        </label>
      )}
    </fieldset>
  );
}
