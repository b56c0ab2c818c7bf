import Link from "next/link";
import { NavLinks, type NavItem } from "@/app/_components/nav-links";
import { requireUser } from "@/lib/auth/session";
import { signOutAction } from "./actions";

const sections: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/connections", label: "Connections" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/tools", label: "Tools" },
  { href: "/workflows", label: "Workflows" },
  { href: "/runs", label: "Runs" },
  { href: "/account", label: "Account" },
  { href: "/alerts", label: "Alerts" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const items = user.role === "owner" ? [...sections, { href: "/users", label: "Users" }] : sections;
  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900">
        Skip to content
      </a>
      <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:flex-col md:border-b-0 md:border-r dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between gap-2 px-4 py-3 md:py-5">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src="/icon.svg" alt="" width={24} height={24} />
            Patchbay
          </Link>
        </div>
        <nav aria-label="Main" className="px-2 pb-2 md:flex-1">
          <NavLinks items={items} />
        </nav>
        <div className="flex items-center justify-between gap-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <div className="min-w-0 text-sm">
            <p className="truncate font-medium" data-testid="signed-in-user">
              {user.name ?? user.email}
            </p>
            {user.name && <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>}
          </div>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 md:px-8">
        {children}
      </main>
    </div>
  );
}
