import Link from "next/link";
import { CopyButton } from "@/app/_components/copy-button";
import { Card, inputClass } from "@/app/_components/ui";
import { findConnectionFor } from "@/lib/connections/store";
import { resolveApiKey } from "@/lib/connections/api-keys";
import { ConnectionError } from "@/lib/connections/errors";
import { listProviders } from "@/lib/providers";
import { endpointUrl, instanceSecrets, listEndpoints } from "@/lib/webhooks/endpoints";
import { currentTime } from "@/lib/platform/clock";
import { env } from "@/lib/platform/env";
import type { Actor } from "@/lib/platform";
import { listAdminRepositories, rotationUnsupported, supportsPing, type RepositoryChoice } from "@/lib/webhooks/registration";
import { ActionForm } from "./action-form";
import { createEndpointAction, deleteEndpointAction, pingHookAction, registerGitHubHookAction, registerStripeAction, rotateEndpointAction } from "./actions";

function formatDelay(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

function UrlLine({ url, label }: { url: string; label: string }) {
  return (
    <div className="flex items-center gap-2">
      <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800">{url}</code>
      <CopyButton value={url} label={label} />
    </div>
  );
}

function EventChoices({ events, checked }: { events: string[]; checked: string[] }) {
  return (
    <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
      <legend className="mb-1 text-sm font-medium">Events</legend>
      {events.map((event) => (
        <label key={event} className="inline-flex items-center gap-1.5">
          <input type="checkbox" name="events" value={event} defaultChecked={checked.includes(event)} />
          {event}
        </label>
      ))}
    </fieldset>
  );
}

async function repositoriesOrError(userId: string): Promise<{ repositories: RepositoryChoice[] } | { error: string }> {
  try {
    return { repositories: await listAdminRepositories(userId) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Why this person cannot register on Stripe (no key of theirs, and the instance's is not theirs to use), or undefined. */
async function stripeKeyProblem(userId: string, workspaceId: string): Promise<string | undefined> {
  try {
    await resolveApiKey(userId, "stripe", workspaceId);
    return undefined;
  } catch (error) {
    if (error instanceof ConnectionError) return error.message;
    throw error;
  }
}
/** The workspace's endpoints and the form that creates one. */
export async function EndpointsSection({ actor }: { actor: Actor }) {
  const webhookProviders = listProviders().filter((provider) => provider.webhooks);
  const endpoints = await listEndpoints(actor.workspaceId);
  const now = currentTime();

  return (
    <div className="space-y-4">
      <Card>
        <h3 className="mb-3 font-medium">Your endpoints</h3>
        {endpoints.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No endpoints yet. Create one below, or register a hook on GitHub or Stripe.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Endpoints">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} className="space-y-2 py-3" data-testid={`endpoint-${endpoint.id}`}>
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-medium">{endpoint.providerName}</span>
                  <span className="text-zinc-600 dark:text-zinc-400">{endpoint.description}</span>
                  {endpoint.events.length > 0 && <span className="text-xs text-zinc-500">events: {endpoint.events.join(", ")}</span>}
                  <span className="text-xs text-zinc-500">created {endpoint.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
                  {endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now && (
                    <span className="text-xs text-amber-700 dark:text-amber-400">
                      old secret accepted until {endpoint.previousSecretExpiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                    </span>
                  )}
                </div>
                <UrlLine url={endpoint.url} label={`Copy the URL of ${endpoint.description || endpoint.id}`} />
                {rotationUnsupported(endpoint) && <p className="text-xs text-zinc-500">{rotationUnsupported(endpoint)}</p>}
                <div className="flex flex-wrap items-start gap-2">
                  {endpoint.remoteHookId && supportsPing(endpoint.providerId) && (
                    <ActionForm action={pingHookAction} submitLabel="Send ping" variant="secondary" pendingLabel="Pinging…">
                      <input type="hidden" name="endpointId" value={endpoint.id} />
                    </ActionForm>
                  )}
                  {rotationUnsupported(endpoint) === undefined && (
                    <ActionForm action={rotateEndpointAction} submitLabel="Rotate secret" variant="secondary">
                      <input type="hidden" name="endpointId" value={endpoint.id} />
                    </ActionForm>
                  )}
                  <ActionForm
                    action={deleteEndpointAction}
                    submitLabel="Delete"
                    variant="secondary"
                    confirm={
                      endpoint.remoteHookId
                        ? `Delete this endpoint and the hook on ${endpoint.remoteTarget}?`
                        : "Delete this endpoint? Senders using it will get 404."
                    }
                  >
                    <input type="hidden" name="endpointId" value={endpoint.id} />
                  </ActionForm>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card>
        <h3 className="mb-3 font-medium">Create an endpoint</h3>
        <ActionForm action={createEndpointAction} submitLabel="Create endpoint">
          <label className="block text-sm font-medium" htmlFor="endpoint-provider">
            Service
          </label>
          <select id="endpoint-provider" name="providerId" className={inputClass}>
            {webhookProviders.map((provider) => (
              <option key={provider.id} value={provider.id}>
                {provider.name}
              </option>
            ))}
          </select>
          <label className="block text-sm font-medium" htmlFor="endpoint-description">
            Description
          </label>
          <input id="endpoint-description" name="description" className={inputClass} placeholder="What sends here" maxLength={200} />
          <label className="block text-sm font-medium" htmlFor="endpoint-events">
            Events
          </label>
          <input
            id="endpoint-events"
            name="events"
            className={inputClass}
            placeholder="push, pull_request (empty: any)"
            maxLength={4000}
            aria-describedby="endpoint-events-hint"
          />
          <p id="endpoint-events-hint" className="text-xs text-zinc-500">
            Comma-separated. Known events:{" "}
            {webhookProviders
              .filter((provider) => provider.webhooks!.events.length > 0)
              .map((provider) => `${provider.name}: ${provider.webhooks!.events.join(", ")}`)
              .join("; ")}
            .
          </p>
        </ActionForm>
      </Card>
    </div>
  );
}

/** Instance-wide URLs, registering hooks at GitHub and Stripe, and what happens to each delivery. */
export async function WebhookSettingsSections({ actor }: { actor: Actor }) {
  const webhookProviders = listProviders().filter((provider) => provider.webhooks);
  const github = webhookProviders.find((provider) => provider.id === "github");
  const githubConnected = Boolean(await findConnectionFor(actor.userId, "github", "oauth2"));
  const repositories = githubConnected ? await repositoriesOrError(actor.userId) : undefined;
  const stripe = webhookProviders.find((provider) => provider.id === "stripe");
  const stripeProblem = stripe && (await stripeKeyProblem(actor.userId, actor.workspaceId));

  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <h3 className="mb-3 font-medium">Instance-wide URLs</h3>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">Signed with a secret from the environment; deliveries go to the instance owner.</p>
          <ul className="space-y-3 text-sm">
            {webhookProviders.map((provider) => (
              <li key={provider.id} className="space-y-1">
                <p>
                  {provider.name}:{" "}
                  {instanceSecrets(provider).length > 0 ? (
                    <span className="text-emerald-700 dark:text-emerald-400">secret set ({provider.webhooks!.secretEnv})</span>
                  ) : (
                    <span className="text-zinc-500">set {provider.webhooks!.secretEnv} to enable</span>
                  )}
                </p>
                <UrlLine url={endpointUrl(provider.id)} label={`Copy the ${provider.name} instance URL`} />
              </li>
            ))}
          </ul>
        </Card>

        {github && (
          <Card>
            <h3 className="mb-3 font-medium">Register a hook on GitHub</h3>
            {!githubConnected ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                <a href="/connections" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  Connect GitHub first
                </a>
                ; Patchbay then creates the hook on a repository you choose, with a fresh secret.
              </p>
            ) : repositories && "error" in repositories ? (
              <p className="text-sm text-red-700 dark:text-red-400">Could not list your repositories: {repositories.error}</p>
            ) : (
              <ActionForm action={registerGitHubHookAction} submitLabel="Register hook" pendingLabel="Registering…">
                <label className="block text-sm font-medium" htmlFor="hook-repository">
                  Repository
                </label>
                <select id="hook-repository" name="repository" className={inputClass}>
                  {repositories!.repositories.map((repository) => (
                    <option key={repository.fullName} value={repository.fullName}>
                      {repository.fullName}
                      {repository.private ? " (private)" : ""}
                    </option>
                  ))}
                </select>
                <EventChoices events={github.webhooks!.events} checked={["push", "pull_request"]} />
              </ActionForm>
            )}
          </Card>
        )}

        {stripe && (
          <Card>
            <h3 className="mb-3 font-medium">Register an endpoint on Stripe</h3>
            {stripeProblem === undefined ? (
              <ActionForm action={registerStripeAction} submitLabel="Create Stripe endpoint" pendingLabel="Creating…">
                <EventChoices events={stripe.webhooks!.events} checked={["invoice.paid"]} />
              </ActionForm>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="stripe-registration-unavailable">
                {stripeProblem} Patchbay then creates the endpoint and keeps its signing secret.{" "}
                <a href="/connections" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  Open Connections
                </a>
              </p>
            )}
          </Card>
        )}
      </div>

      <Card>
        <h3 className="mb-3 font-medium">What happens to each delivery</h3>
        <p className="text-sm">
          Every verified delivery is recorded; the workspace&apos;s{" "}
          <Link href="/automations" className="underline">
            automations
          </Link>{" "}
          decide what runs for it (new workspaces start with two: GitHub pushes and pull requests).
        </p>
        <p className="mt-2 text-xs text-zinc-500">
          Failing processing is retried after {env().WEBHOOK_RETRY_SCHEDULE.map(formatDelay).join(", ")}, then marked failed.
        </p>
      </Card>
    </div>
  );
}
