"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { inputClass } from "@/app/_components/ui";
import { webhooksHref } from "./href";

const fields = ["provider", "event", "status", "verified", "q"] as const;
type Values = Record<(typeof fields)[number], string>;
type Current = Partial<Record<(typeof fields)[number] | "range" | "from" | "to" | "endpoint", string | number>>;

const toValues = (current: Current): Values => Object.fromEntries(fields.map((name) => [name, String(current[name] ?? "")])) as Values;
const same = (a: Values, b: Values) => fields.every((name) => a[name] === b[name]);

const TYPING_PAUSE_MS = 300;

/**
 * The log's filters, applied as they change (menus at once, typed text after a pause: the Event box
 * matches events starting with what is typed, so it narrows the log letter by letter) by replacing
 * the URL, which holds only the filters that are set. The time range, a chart bar and an endpoint
 * are kept from the URL.
 */
export function FilterBar({ current, providers, events, statuses }: { current: Current; providers: [string, string][]; events: string[]; statuses: string[] }) {
  const router = useRouter();
  const incoming = toValues(current);
  const [values, setValues] = useState(incoming);
  const [seen, setSeen] = useState(incoming);
  const [sent, setSent] = useState(incoming);
  // The URL changed: adopt it, unless it is the change this form just made (typing may have moved on).
  if (!same(incoming, seen)) {
    setSeen(incoming);
    if (!same(incoming, sent)) setValues(incoming);
  }
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const navigate = (next: Values) => {
    clearTimeout(timer.current);
    setSent(next);
    router.replace(webhooksHref({ range: current.range, from: current.from, to: current.to, endpoint: current.endpoint, ...next }), { scroll: false });
  };
  const change = (name: keyof Values, value: string, typed: boolean) => {
    const next = { ...values, [name]: value };
    setValues(next);
    clearTimeout(timer.current);
    if (typed) timer.current = setTimeout(() => navigate(next), TYPING_PAUSE_MS);
    else navigate(next);
  };
  const select = (name: keyof Values, label: string, options: [string, string][]) => (
    <label className="min-w-0 space-y-1 text-xs font-medium">
      <span>{label}</span>
      <select name={name} value={values[name]} onChange={(event) => change(name, event.target.value, false)} className={inputClass}>
        <option value="">Any</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  const filtered = Object.values(current).some((value) => value !== undefined && value !== "");

  return (
    <form
      role="search"
      aria-label="Filter deliveries"
      className="mb-4 grid grid-cols-2 items-end gap-3 md:grid-cols-4 xl:grid-cols-7"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(values);
      }}
    >
      <label className="col-span-2 min-w-0 space-y-1 text-xs font-medium">
        <span>Search</span>
        <input
          type="search"
          name="q"
          value={values.q}
          onChange={(event) => change("q", event.target.value, true)}
          className={inputClass}
          placeholder="Delivery id, repository or payload text"
        />
      </label>
      {select("provider", "Service", providers)}
      <label className="col-span-2 min-w-0 space-y-1 text-xs font-medium">
        <span>Event</span>
        <input
          name="event"
          list="known-events"
          value={values.event}
          onChange={(event) => change("event", event.target.value, true)}
          className={inputClass}
          placeholder="push, pull_request.opened"
          autoComplete="off"
        />
        <datalist id="known-events">
          {events.map((event) => (
            <option key={event} value={event} />
          ))}
        </datalist>
      </label>
      {select(
        "status",
        "Status",
        statuses.map((status) => [status, status]),
      )}
      {select("verified", "Verified", [
        ["yes", "verified"],
        ["no", "not verified"],
      ])}
      {filtered && (
        <p className="col-span-2 text-sm md:col-span-4 xl:col-span-7">
          <Link href="/webhooks" className="text-zinc-600 hover:underline dark:text-zinc-400">
            Clear all filters
          </Link>
        </p>
      )}
    </form>
  );
}
