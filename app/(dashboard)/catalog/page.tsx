import type { Metadata } from "next";
import Link from "next/link";
import { BrandLogo } from "@/app/_components/brand-logo";
import { CopyButton } from "@/app/_components/copy-button";
import { Badge } from "@/app/_components/provider-logo";
import { Button, Card, EmptyState, inputClass, PageHeader } from "@/app/_components/ui";
import { canSetUpServices } from "@/lib/auth/roles";
import { atLeast } from "@/lib/auth/workspaces";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/platform/env";
import { catalogCategories, serviceCatalog, type CatalogEntry } from "@/lib/providers/catalog";
import { AddToolsButton } from "./add-tools-button";

export const metadata: Metadata = { title: "Catalog" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const categoryLabels: Record<string, string> = {
  developer: "Developer tools",
  communication: "Communication",
  productivity: "Productivity",
  crm: "CRM",
  support: "Support",
  commerce: "Commerce",
  payments: "Payments",
  marketing: "Marketing & email",
  files: "Files",
  monitoring: "Monitoring",
  design: "Design",
  scheduling: "Scheduling",
  webhooks: "Webhooks",
  other: "Other",
};

const refreshWords = { rotating: "refresh tokens rotate", reused: "refreshed with the same refresh token", none: "no refresh token" };

function href(search: string, category: string): string {
  const params = new URLSearchParams();
  if (search) params.set("q", search);
  if (category) params.set("category", category);
  const query = params.toString();
  return query ? `/catalog?${query}` : "/catalog";
}

function OAuthLine({ entry, canSetUp }: { entry: CatalogEntry; canSetUp: boolean }) {
  const oauth = entry.oauth!;
  const tokens = `${oauth.tokens.expires ? "tokens expire" : "tokens do not expire"}, ${refreshWords[oauth.tokens.refresh]}${oauth.revocable ? ", revoked on disconnect" : ""}`;
  if (oauth.configured) {
    return (
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone="green">Ready to connect</Badge>
        <a
          href={`/api/connections/${entry.id}/authorize`}
          className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
        >
          Connect {entry.name}
        </a>
        <span className="text-xs text-zinc-500">
          OAuth 2.0{oauth.pkce ? " with PKCE" : ""}: {tokens}.
        </span>
      </div>
    );
  }
  // Only people who can set services up get here (serviceCatalog leaves the rest out for others).
  if (!canSetUp) return null;
  return (
    <div className="space-y-1 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone="amber">Needs an admin to set a client id</Badge>
        <span className="text-xs text-zinc-500">
          OAuth 2.0{oauth.pkce ? " with PKCE" : ""}: {tokens}.
        </span>
      </p>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Set{" "}
        {oauth.missing.map((variable, index) => (
          <span key={variable}>
            {index > 0 && ", "}
            <code className="font-mono">{variable}</code>
          </span>
        ))}{" "}
        and register this callback URL with {entry.name}:
      </p>
      <div className="flex items-center gap-2">
        <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800">{oauth.callbackUrl}</code>
        <CopyButton value={oauth.callbackUrl} label={`Copy the ${entry.name} callback URL`} />
      </div>
    </div>
  );
}

function WebhookLine({ entry, canSetUp }: { entry: CatalogEntry; canSetUp: boolean }) {
  const webhooks = entry.webhooks!;
  const url = `${env().APP_URL}${webhooks.url}`;
  return (
    <div className="space-y-1 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone="gray">Webhooks</Badge>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          Signatures verified ({webhooks.scheme}).{" "}
          <Link href="/webhooks/endpoints" className="text-indigo-700 underline hover:no-underline dark:text-indigo-400">
            Make an endpoint
          </Link>{" "}
          with its own secret
          {canSetUp && (
            <>
              , or use <code className="font-mono">{url}</code> with <code className="font-mono">{webhooks.secretVariable}</code>{" "}
              {webhooks.instanceSecretSet ? "(set)" : "(not set)"}
            </>
          )}
          .
        </span>
      </p>
    </div>
  );
}

/** The OpenAPI description the provider publishes; admins add its tools in one click (imports are theirs). */
function OpenApiLine({ entry, canAddTools }: { entry: CatalogEntry; canAddTools: boolean }) {
  const openapi = entry.openapi!;
  return (
    <div className="space-y-2 text-sm" data-testid={`catalog-${entry.id}-openapi`}>
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone="gray">OpenAPI</Badge>
        <span className="min-w-0 text-xs text-zinc-600 dark:text-zinc-400">
          {entry.name} publishes its API description:{" "}
          <a href={openapi.url} className="break-all text-indigo-600 underline dark:text-indigo-400" rel="noreferrer" target="_blank">
            {openapi.url}
          </a>
        </span>
      </p>
      {canAddTools ? <AddToolsButton providerId={entry.id} providerName={entry.name} /> : <p className="text-xs text-zinc-500">An admin can add its tools.</p>}
    </div>
  );
}

function Entry({ entry, canSetUp, canAddTools }: { entry: CatalogEntry; canSetUp: boolean; canAddTools: boolean }) {
  const showOAuth = entry.oauth && (entry.oauth.configured || canSetUp);
  return (
    <Card>
      <article aria-labelledby={`catalog-${entry.id}-name`} data-testid={`catalog-${entry.id}`} className="space-y-3">
        <header className="flex items-start gap-3">
          <BrandLogo name={entry.name} color={entry.color} logo={entry.logo} />
          <div className="min-w-0">
            <h2 id={`catalog-${entry.id}-name`} className="font-semibold">
              {entry.name}
            </h2>
            <p className="text-xs text-zinc-500">{categoryLabels[entry.category]}</p>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{entry.description}</p>
          </div>
        </header>
        {showOAuth && <OAuthLine entry={entry} canSetUp={canSetUp} />}
        {entry.apiKey && (
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <Badge tone="green">API key</Badge>
            <Link href="/connections" className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
              Add your {entry.name} key on Connections
            </Link>
          </p>
        )}
        {entry.openapi && <OpenApiLine entry={entry} canAddTools={canAddTools} />}
        {entry.webhooks && <WebhookLine entry={entry} canSetUp={canSetUp} />}
      </article>
    </Card>
  );
}

export default async function CatalogPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const canSetUp = canSetUpServices(user);
  const params = await searchParams;
  const search = typeof params.q === "string" ? params.q.slice(0, 100) : "";
  const category = typeof params.category === "string" ? params.category : "";
  const entries = serviceCatalog({ search, category }, canSetUp);
  const categories = catalogCategories(canSetUp);
  return (
    <>
      <PageHeader
        title="Catalog"
        description={
          canSetUp
            ? "Every service Patchbay knows: connect one, or set it up for this instance (client ids, webhook secrets)."
            : "The services you can connect on this instance, and the webhook sources it verifies."
        }
      />
      <form method="get" action="/catalog" role="search" className="mb-4 flex flex-wrap items-center gap-2">
        <input type="search" name="q" defaultValue={search} aria-label="Search services" placeholder="Search services" className={`${inputClass} max-w-sm`} />
        {category && <input type="hidden" name="category" value={category} />}
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <nav aria-label="Categories" className="mb-6 flex flex-wrap gap-2 text-sm">
        {[{ category: "", count: 0 }, ...categories].map((item) => {
          const active = item.category === category;
          return (
            <Link
              key={item.category || "all"}
              href={href(search, item.category)}
              aria-current={active ? "page" : undefined}
              className={`rounded-full px-3 py-1 ${active ? "bg-indigo-600 text-white" : "bg-zinc-100 text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300"}`}
            >
              {item.category ? `${categoryLabels[item.category]} (${item.count})` : "All"}
            </Link>
          );
        })}
      </nav>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400" role="status">
        {entries.length === 1 ? "1 service" : `${entries.length} services`}
        {search ? ` matching “${search}”` : ""}
      </p>
      {entries.length === 0 ? (
        <EmptyState title="No service matches">Try another word, or another category.</EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2 2xl:grid-cols-3">
          {entries.map((entry) => (
            <Entry key={entry.id} entry={entry} canSetUp={canSetUp} canAddTools={atLeast(user.role, "admin")} />
          ))}
        </div>
      )}
    </>
  );
}
