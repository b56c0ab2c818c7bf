"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useRef, type KeyboardEvent } from "react";

export const webhookSections = [
  { href: "/webhooks", label: "Events" },
  { href: "/webhooks/endpoints", label: "Endpoints" },
  { href: "/webhooks/forwarding", label: "Forwarding" },
  { href: "/webhooks/settings", label: "Settings" },
] as const;

function currentSection(pathname: string): string {
  const match = webhookSections.find((section) => section.href !== "/webhooks" && (pathname === section.href || pathname.startsWith(`${section.href}/`)));
  return match?.href ?? "/webhooks";
}

/**
 * The Webhooks sub-pages. One Tab stop (the current section), the others reached with the arrow
 * keys, Home and End, so the page's own controls (the log's Search) come right after it.
 */
export function WebhooksNav() {
  const current = currentSection(usePathname());
  const links = useRef<(HTMLAnchorElement | null)[]>([]);
  const move = (event: KeyboardEvent<HTMLAnchorElement>, index: number) => {
    const last = webhookSections.length - 1;
    const target =
      event.key === "ArrowRight"
        ? index === last
          ? 0
          : index + 1
        : event.key === "ArrowLeft"
          ? index === 0
            ? last
            : index - 1
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : undefined;
    if (target === undefined) return;
    event.preventDefault();
    links.current[target]?.focus();
  };
  return (
    <nav aria-label="Webhooks sections" className="mb-6 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800">
      <ul className="-mb-px flex gap-1 text-sm">
        {webhookSections.map((section, index) => {
          const active = section.href === current;
          return (
            <li key={section.href}>
              <Link
                ref={(element) => {
                  links.current[index] = element;
                }}
                href={section.href}
                tabIndex={active ? 0 : -1}
                onKeyDown={(event) => move(event, index)}
                aria-current={active ? "page" : undefined}
                className={`block whitespace-nowrap border-b-2 px-3 py-2 font-medium ${
                  active
                    ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
                    : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
                }`}
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
