"use client";

import Link from "next/link";
import { useState } from "react";
import { inputClass } from "@/app/_components/ui";

export type PayloadTarget = { kind: "tool" | "workflow"; id: string };

/** "Run with this payload": opens a tool's or workflow's form filled in from this delivery's payload. */
export function RunWithPayload({ deliveryId, targets }: { deliveryId: number; targets: PayloadTarget[] }) {
  const [chosen, setChosen] = useState(targets[0] ? `${targets[0].kind}:${targets[0].id}` : "");
  const [kind, id] = chosen.split(":") as ["tool" | "workflow", string];
  return (
    <div className="space-y-2" data-testid="run-with-payload">
      <label htmlFor="run-with-payload-target" className="block text-sm font-medium">
        Run with this payload
      </label>
      <div className="flex flex-wrap gap-2">
        <select
          id="run-with-payload-target"
          className={`${inputClass} w-auto min-w-0 flex-1`}
          value={chosen}
          onChange={(event) => setChosen(event.target.value)}
        >
          {(["workflow", "tool"] as const).map((group) => (
            <optgroup key={group} label={group === "tool" ? "Tools" : "Workflows"}>
              {targets
                .filter((target) => target.kind === group)
                .map((target) => (
                  <option key={target.id} value={`${target.kind}:${target.id}`}>
                    {target.id}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <Link
          href={`/${kind === "tool" ? "tools" : "workflows"}/${encodeURIComponent(id)}?delivery=${deliveryId}`}
          className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
        >
          Open form
        </Link>
      </div>
    </div>
  );
}
