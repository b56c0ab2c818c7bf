import type { Metadata } from "next";
import { BrandLogo } from "@/app/_components/brand-logo";
import { Badge } from "@/app/_components/provider-logo";
import { relativeTime } from "@/app/_components/time";
import { Alert, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { listSharedConnections } from "@/lib/connections/store";
import { providerCards, type ProviderCard } from "@/lib/connections/overview";
import { connectionStatusView } from "@/lib/connections/status";
import { findConnection, type ConnectionSummary } from "@/lib/connections/store";
import { getProvider } from "@/lib/providers";
import { Avatar } from "@/app/_components/avatar";
import { CopyButton } from "@/app/_components/copy-button";
import { canSetUpServices } from "@/lib/auth/roles";
import { ApiKeyForm, DisconnectButton, InstanceKeyShareButton, SharedApiKeyForm } from "./controls";

export const metadata: Metadata = { title: "Connections" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function failureMessage(failure: string, providerName: string, detail?: string): string {
  const messages: Record<string, string> = {
    access_denied: `You declined to connect ${providerName}. Nothing was saved.`,
    invalid_state: `That ${providerName} answer could not be matched to a connection you started (it was already used, altered, or started by someone else). Nothing was saved; start again.`,
    missing_state: `${providerName}'s answer carried no state, so it was not trusted. Nothing was saved.`,
    expired_state: `The connection to ${providerName} took longer than 10 minutes. Start again.`,
    not_configured: `${providerName} is not configured on this instance yet.`,
    provider_error: `${providerName} refused the request${detail ? ` (${detail})` : ""}. Nothing was saved.`,
    missing_code: `${providerName} sent no authorization code. Nothing was saved; start again.`,
    token_error: `${providerName} would not exchange the authorization code${detail ? ` (${detail})` : ""}. Nothing was saved; start again.`,
    account_error: `${providerName} issued a token but would not say which account it belongs to. Nothing was saved.`,
  };
  return messages[failure] ?? `Connecting ${providerName} failed. Nothing was saved.`;
}

async function Banner({ params, userId, workspaceId }: { params: Record<string, string | string[] | undefined>; userId: string; workspaceId: string }) {
  const one = (name: string) => (typeof params[name] === "string" ? (params[name] as string) : undefined);
  const connectedId = one("connected");
  if (connectedId) {
    // The person's own connection, or one they just shared in this workspace.
    const connection = await findConnection(userId, connectedId, workspaceId);
    if (!connection) return null;
    const name = getProvider(connection.providerId)?.name ?? connection.providerId;
    return (
      <Alert tone="success">
        Connected {connection.workspaceId ? `a shared ${name} account` : name}
        {connection.accountLabel ? ` as ${connection.accountLabel}` : ""}.
      </Alert>
    );
  }
  const failure = one("error");
  if (!failure) return null;
  const name = getProvider(one("provider") ?? "")?.name ?? "The service";
  return <Alert>{failureMessage(failure, name, one("detail"))}</Alert>;
}

function OAuthConnection({ card, connection }: { card: ProviderCard; connection: ConnectionSummary }) {
  const status = connectionStatusView(connection);
  return (
    <div className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <Avatar name={connection.accountLabel ?? connection.accountId} />
        <span className="font-medium">Connected as {connection.accountLabel ?? connection.accountId}</span>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      {status.message && status.label !== "Active" && (
        <p role="status" className={status.tone === "red" ? "text-sm text-red-700 dark:text-red-400" : "text-sm text-amber-800 dark:text-amber-300"}>
          {status.message}
        </p>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <dt>Scopes</dt>
        <dd>{connection.scopes.length > 0 ? connection.scopes.join(", ") : "none"}</dd>
        <dt>Token</dt>
        <dd>{connection.expiresAt ? `expires ${relativeTime(connection.expiresAt)}` : "does not expire"}</dd>
        {connection.lastRefreshedAt && (
          <>
            <dt>Last refreshed</dt>
            <dd>{relativeTime(connection.lastRefreshedAt)}</dd>
          </>
        )}
      </dl>
      <div className="flex flex-wrap gap-2">
        {status.reconnect && (
          <a
            href={`/api/connections/${card.id}/authorize`}
            className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
          >
            Reconnect {card.name}
          </a>
        )}
        <DisconnectButton connectionId={connection.id} providerName={card.name} what="oauth" />
      </div>
    </div>
  );
}

/**
 * OAuth for one service. Setting it up (client id and secret variables, the callback URL) is said to
 * those who may set services up (lib/auth/roles.ts); a member sees only what they can use: nothing
 * here when an API key works instead, else that OAuth is not set up.
 */
function OAuthSection({ card, canSetUp }: { card: ProviderCard; canSetUp: boolean }) {
  const oauth = card.oauth!;
  if (!oauth.configured && !canSetUp) {
    if (card.apiKey) return null;
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">Connecting {card.name} by OAuth is not set up on this instance; ask its owner.</p>;
  }
  if (!oauth.configured) {
    const setup = (
      <div className="space-y-2">
        <p className="text-zinc-600 dark:text-zinc-400">
          Set <code className="font-mono text-xs">{oauth.variables[0]}</code> and <code className="font-mono text-xs">{oauth.variables[1]}</code>, and register
          this callback URL:
        </p>
        <div className="flex items-center gap-2">
          <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800">{oauth.callbackUrl}</code>
          <CopyButton value={oauth.callbackUrl} label={`Copy the ${card.name} callback URL`} />
        </div>
      </div>
    );
    // With an API key to use, OAuth is an option an admin may set up, not something missing.
    if (card.apiKey)
      return (
        <details className="text-sm" data-testid={`${card.id}-oauth-setup`}>
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Connect by OAuth instead (for admins: set it up)</summary>
          <div className="mt-2">{setup}</div>
        </details>
      );
    return (
      <div className="space-y-2 text-sm">
        <p className="flex items-center gap-2">
          <Badge tone="gray">Not configured</Badge>
          <span className="text-zinc-600 dark:text-zinc-400">OAuth needs a client registered with {card.name}.</span>
        </p>
        {setup}
      </div>
    );
  }
  return (
    <div className="space-y-3">
      {oauth.connections.map((connection) => (
        <OAuthConnection key={connection.id} card={card} connection={connection} />
      ))}
      {oauth.connections.length === 0 && (
        <p className="flex items-center gap-2 text-sm">
          <Badge tone="gray">Not connected</Badge>
        </p>
      )}
      <a
        href={`/api/connections/${card.id}/authorize`}
        className={
          oauth.connections.length === 0
            ? "inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
            : "inline-flex items-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        }
      >
        {oauth.connections.length === 0 ? `Connect ${card.name}` : `Connect another ${card.name} account`}
      </a>
    </div>
  );
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What the instance-wide key means for this person; members learn only whether they may use it. */
function InstanceKeyLine({ card, isOwner }: { card: ProviderCard; isOwner: boolean }) {
  const apiKey = card.apiKey!;
  const share = apiKey.share;
  const mine = Boolean(apiKey.connection);
  if (apiKey.instanceKey === "unset") {
    if (mine) return null;
    return (
      <p className="text-zinc-600 dark:text-zinc-400">
        {isOwner ? `No key yet: add your own, or set ${apiKey.variable} on this instance.` : "No key yet: add your own."}
      </p>
    );
  }
  if (!isOwner) {
    if (mine) return null;
    return apiKey.instanceKey === "usable" ? (
      <p className="text-zinc-600 dark:text-zinc-400" data-testid={`${card.id}-instance-key`}>
        Tools use this instance&apos;s {card.name} key, shared with members by {share?.sharedBy ?? "an owner"}, until you add your own.
      </p>
    ) : (
      <p className="text-zinc-600 dark:text-zinc-400" data-testid={`${card.id}-instance-key`}>
        No key yet. This instance has a {card.name} key, but it is not shared with members: add your own, or ask an owner to share it.
      </p>
    );
  }
  return (
    <div className="space-y-2" data-testid={`${card.id}-instance-key`}>
      <p className="text-zinc-600 dark:text-zinc-400">
        {mine
          ? `Your own key comes first; owners without one use the instance-wide key from ${apiKey.variable}.`
          : `Tools use the instance-wide key from ${apiKey.variable} until you add your own.`}{" "}
        {share?.current
          ? `Shared with members by ${share.sharedBy} on ${utc(share.sharedAt)}: members without a key of their own act with it.`
          : share
            ? `${share.sharedBy} shared it on ${utc(share.sharedAt)}, but ${apiKey.variable} has changed since, so members cannot use it until it is shared again.`
            : "Members cannot use it unless you share it."}
      </p>
      <InstanceKeyShareButton providerId={card.id} shared={Boolean(share?.current)} />
    </div>
  );
}

function ApiKeySection({ card, isOwner }: { card: ProviderCard; isOwner: boolean }) {
  const apiKey = card.apiKey!;
  return (
    <div className="space-y-3 text-sm">
      {apiKey.connection && (
        <div className="flex flex-wrap items-center gap-3">
          <span>
            Your API key:{" "}
            <code className="font-mono" data-testid={`${card.id}-key`}>
              ….{apiKey.connection.apiKeyLast4}
            </code>
          </span>
          <Badge tone={connectionStatusView(apiKey.connection).tone}>{connectionStatusView(apiKey.connection).label}</Badge>
          <DisconnectButton connectionId={apiKey.connection.id} providerName={card.name} what="key" />
        </div>
      )}
      <InstanceKeyLine card={card} isOwner={isOwner} />
      <ApiKeyForm providerId={card.id} providerName={card.name} replacing={Boolean(apiKey.connection)} />
      {apiKey.help && <p className="text-xs text-zinc-500">Where to find one: {apiKey.help}</p>}
    </div>
  );
}

export default async function ConnectionsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const params = await searchParams;
  // Setting a service up (variables, callback URLs) and the instance's own keys are the instance owner's.
  const isOwner = user.instanceOwner;
  const canSetUp = canSetUpServices(user);
  const isAdmin = atLeast(user.role, "admin");
  const shared = await listSharedConnections(user.workspaceId);
  // Members see the services they can connect; setting one up (variables, callback URLs) is the owner's job.
  const cards = (await providerCards(user.id)).filter((card) => canSetUp || card.apiKey || card.oauth?.configured);
  return (
    <>
      <PageHeader
        title="Connections"
        description="The services Patchbay acts on for you. Tokens and keys are stored encrypted and never shown again; tools ask for them at run time."
      />
      <div className="mb-4 space-y-2">
        <Banner params={params} userId={user.id} workspaceId={user.workspaceId} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {cards.map((card) => (
          <Card key={card.id}>
            <article aria-labelledby={`provider-${card.id}`} data-testid={`provider-${card.id}`} className="space-y-4">
              <header className="flex items-start gap-3">
                <BrandLogo name={card.name} color={card.color} logo={getProvider(card.id)?.logo} />
                <div>
                  <h2 id={`provider-${card.id}`} className="font-semibold">
                    {card.name}
                  </h2>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">{card.description}</p>
                </div>
              </header>
              {card.oauth && <OAuthSection card={card} canSetUp={canSetUp} />}
              {card.oauth && card.apiKey && <hr className="border-zinc-200 dark:border-zinc-800" />}
              {card.apiKey && <ApiKeySection card={card} isOwner={isOwner} />}
            </article>
          </Card>
        ))}
      </div>
      <SharedConnections shared={shared} cards={cards} workspaceName={user.workspaceName} isAdmin={isAdmin} />
    </>
  );
}

/**
 * The workspace's shared connections (bots, service accounts): every member may pick one when
 * they run a tool; only its admins add or remove them. Nobody sees their tokens.
 */
function SharedConnections({
  shared,
  cards,
  workspaceName,
  isAdmin,
}: {
  shared: ConnectionSummary[];
  cards: ProviderCard[];
  workspaceName: string;
  isAdmin: boolean;
}) {
  const connectable = cards.filter((card) => card.oauth?.configured);
  const keyed = cards.filter((card) => card.apiKey);
  return (
    <section className="mt-8" aria-labelledby="shared-connections">
      <h2 id="shared-connections" className="mb-1 text-lg font-semibold">
        Shared with {workspaceName}
      </h2>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
        Accounts every member may choose when they run a tool; runs record who started them and which account acted.
      </p>
      <Card>
        {shared.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No shared connections yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Shared connections">
            {shared.map((connection) => {
              const name = getProvider(connection.providerId)?.name ?? connection.providerId;
              return (
                <li key={connection.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="shared-connection">
                  <span>
                    <span className="font-medium">{name}</span> ·{" "}
                    {connection.authKind === "api_key" ? (
                      <>
                        API key <code className="font-mono">….{connection.apiKeyLast4}</code>
                      </>
                    ) : (
                      (connection.accountLabel ?? connection.accountId)
                    )}{" "}
                    <Badge tone={connectionStatusView(connection).tone}>{connectionStatusView(connection).label}</Badge>
                  </span>
                  {isAdmin && <DisconnectButton connectionId={connection.id} providerName={`the shared ${name} account`} what="connection" shared />}
                </li>
              );
            })}
          </ul>
        )}
        {isAdmin && connectable.length > 0 && (
          <div className="mt-4 flex flex-wrap gap-2">
            {connectable.map((card) => (
              <a
                key={card.id}
                href={`/api/connections/${card.id}/authorize?shared=1&returnTo=/connections`}
                className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              >
                Connect a shared {card.name} account
              </a>
            ))}
          </div>
        )}
        {isAdmin && keyed.length > 0 && (
          <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <h3 className="mb-2 text-sm font-semibold">Share an API key with {workspaceName}</h3>
            <p className="mb-2 text-xs text-zinc-500">Members without a key of their own act with it; saving again replaces the shared key for that service.</p>
            <SharedApiKeyForm services={keyed.map((card) => ({ id: card.id, name: card.name }))} workspaceName={workspaceName} />
          </div>
        )}
      </Card>
    </section>
  );
}
