"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { inputClass } from "@/app/_components/ui";

const selects = [
  {
    key: "kind",
    label: "Kind",
    options: [
      ["automation", "Automations"],
      ["tool", "Tools"],
      ["workflow", "Workflows"],
    ],
  },
  {
    key: "status",
    label: "Status",
    options: [
      ["running", "Running"],
      ["succeeded", "Succeeded"],
      ["failed", "Failed"],
    ],
  },
  {
    key: "trigger",
    label: "Started by",
    options: [
      ["manual", "Hand"],
      ["webhook", "Webhook"],
      ["schedule", "Schedule"],
      ["replay", "Replay"],
      ["agent", "Agent"],
      ["mcp", "MCP client"],
    ],
  },
] as const;

/** The Runs list's filters: each applies on change, and an empty one leaves the query string. */
export function RunFilters({ names }: { names: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const apply = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.delete("before");
    if (value) next.set(key, value);
    else next.delete(key);
    const query = next.toString();
    router.push(query ? `${pathname}?${query}` : pathname);
  };
  return (
    <form className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
      {selects.map((select) => (
        <label key={select.key} className="text-sm">
          <span className="mb-1 block font-medium">{select.label}</span>
          <select className={inputClass} value={params.get(select.key) ?? ""} onChange={(event) => apply(select.key, event.target.value)}>
            <option value="">All</option>
            {select.options.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label className="text-sm">
        <span className="mb-1 block font-medium">Tool or workflow</span>
        <select className={inputClass} value={params.get("name") ?? ""} onChange={(event) => apply("name", event.target.value)}>
          <option value="">All</option>
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
