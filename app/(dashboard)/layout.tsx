import Link from "next/link";
import { SidebarNav, type NavItem } from "@/app/_components/nav-links";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { signOutAction, switchWorkspaceAction } from "./actions";

const sections: NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/connections", label: "Connections" },
  { href: "/catalog", label: "Catalog" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/automations", label: "Automations" },
  { href: "/tools", label: "Tools" },
  { href: "/workflows", label: "Workflows" },
  { href: "/runs", label: "Runs" },
  { href: "/account", label: "Account" },
  { href: "/alerts", label: "Alerts" },
  { href: "/agent", label: "Agent" },
  { href: "/settings/tokens", label: "Access tokens" },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  // The pages enforce a required second factor (their requireUser sends the person to Account); the frame shows on Account too.
  const user = await requireUser({ secondFactorExempt: true });
  const items = atLeast(user.role, "admin")
    ? [...sections, { href: "/users", label: "People" }, { href: "/audit", label: "Audit log" }]
    : [...sections, { href: "/users", label: "People" }];
  const brand = (
    <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src="/icon.svg" alt="" width={24} height={24} />
      Patchbay
    </Link>
  );
  const workspace = (
    <div className="border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800" data-testid="workspace">
      {user.workspaces.length > 1 ? (
        <form action={switchWorkspaceAction} className="flex items-center gap-2">
          <label className="sr-only" htmlFor="workspace-switcher">
            Workspace
          </label>
          <select
            id="workspace-switcher"
            name="workspaceId"
            defaultValue={user.workspaceId}
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          >
            {user.workspaces.map((choice) => (
              <option key={choice.workspaceId} value={choice.workspaceId}>
                {choice.name}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800">
            Switch
          </button>
        </form>
      ) : (
        <p className="truncate font-medium">{user.workspaceName}</p>
      )}
      <p className="text-xs capitalize text-zinc-500 dark:text-zinc-400" data-testid="workspace-role">
        {user.role}
      </p>
    </div>
  );
  const account = (
    <div className="flex items-center justify-between gap-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <div className="min-w-0 text-sm">
        <p className="truncate font-medium" data-testid="signed-in-user">
          {user.name ?? user.email}
        </p>
        {user.name && <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>}
      </div>
      <form action={signOutAction} className="shrink-0">
        <button
          type="submit"
          className="whitespace-nowrap rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          Sign out
        </button>
      </form>
    </div>
  );
  return (
    // The aside stretches to the page's full height (its background with it); its content stays in view.
    <div className="min-h-screen md:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-zinc-900"
      >
        Skip to content
      </a>
      <aside className="border-b border-zinc-200 bg-white md:w-60 md:shrink-0 md:border-b-0 md:border-r dark:border-zinc-800 dark:bg-zinc-900">
        <SidebarNav
          brand={brand}
          items={items}
          account={
            <>
              {workspace}
              {account}
            </>
          }
        />
      </aside>
      {/* min-w-0: a wide table scrolls inside its card instead of widening the page. */}
      <main id="main" className="min-w-0 flex-1 px-4 py-8 md:px-8">
        <div className="mx-auto w-full max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
