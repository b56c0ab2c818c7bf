import "server-only";
import { expandTemplate, getProvider, type Provider } from "@/lib/providers";
import { resolveApiKey } from "./api-keys";
import { ConnectionError } from "./errors";
import type { Credential } from "./provider-request";
import { noteConnectionUsed } from "./run-scope";
import { findConnectionFor } from "./store";
import { getAccessToken } from "./tokens";

export type ResolvedCredential = {
  credential: Credential;
  connectionId: string | "environment";
  /** The connection's own values (`{connection.instance_url}`, ...), for its base URL. */
  values: Record<string, string>;
  /** The only origins this credential may be sent to: the provider's API origin. */
  origins: string[];
  /** Who it belongs to, for messages: "OpenWeather's instance-wide API key", "your GitHub connection". */
  owner: string;
};

/**
 * The base URL of the provider's API for one connection: the declared one with its environment
 * override, and the connection's own values where the provider has them (Salesforce's instance).
 */
export function providerApiBase(provider: Provider, values: Record<string, string> = {}): string {
  const base = expandTemplate(provider, provider.apiBaseUrl, values);
  if (/\{connection\.\w+\}/.test(base))
    throw new ConnectionError("not_connected", `${provider.name}'s API address comes with a connection: connect ${provider.name} first.`);
  return base;
}

/** The origin of the provider's API (for one connection, where it has values of its own): where its credentials may go. */
export function providerApiOrigin(provider: Provider, values: Record<string, string> = {}): string {
  return new URL(providerApiBase(provider, values)).origin;
}

/** Whether the provider's API address depends on the connection (a Salesforce instance, a Mailchimp data center). */
export function apiDependsOnConnection(provider: Provider): boolean {
  return /\{connection\.\w+\}/.test(provider.apiBaseUrl);
}

/**
 * The credential a tool uses for a provider: the user's OAuth connection when there is one
 * (refreshed when due), else an API key (theirs, then the instance-wide one for an owner, or for a
 * member while an owner shares it). Whichever it is, it is bound to the provider's API origin: an
 * instance-wide key must never reach a server a person picked, and a person's token was issued for
 * that provider's API.
 */
export async function credentialFor(userId: string, providerId: string): Promise<ResolvedCredential> {
  const provider = getProvider(providerId);
  if (!provider) throw new ConnectionError("unknown_provider", `There is no provider "${providerId}".`);
  const oauth = provider.oauth2 ? await findConnectionFor(userId, providerId, "oauth2") : undefined;
  if (oauth || !provider.apiKey) {
    const { accessToken, connectionId, values } = await getAccessToken(userId, providerId);
    return { credential: { accessToken }, connectionId, values, origins: [providerApiOrigin(provider, values)], owner: `your ${provider.name} connection` };
  }
  const key = await resolveApiKey(userId, providerId);
  noteConnectionUsed(providerId, key.connectionId);
  const owners = {
    user: `your ${provider.name} API key`,
    workspace: `the workspace's shared ${provider.name} API key`,
    environment: `${provider.name}'s instance-wide API key`,
  };
  return { credential: { apiKey: key.apiKey }, connectionId: key.connectionId, values: {}, origins: [providerApiOrigin(provider)], owner: owners[key.source] };
}

/** Whether a tool for this provider can run for this user now, and if not, what to do. */
export async function readiness(userId: string, providerId: string): Promise<{ ready: true } | { ready: false; reason: string }> {
  const provider = getProvider(providerId);
  if (!provider) return { ready: false, reason: `Unknown provider ${providerId}.` };
  const oauth = provider.oauth2 ? await findConnectionFor(userId, providerId, "oauth2") : undefined;
  if (oauth) return oauth.status === "needs_reconnect" ? { ready: false, reason: `Reconnect ${provider.name}` } : { ready: true };
  if (provider.apiKey) {
    try {
      await resolveApiKey(userId, providerId);
      return { ready: true };
    } catch (error) {
      // A member with no key of their own on an instance whose key is not shared with them may also ask an owner.
      const ask = error instanceof ConnectionError && error.code === "instance_key_not_shared" ? " or ask an owner to share the instance's key" : "";
      const reason = provider.oauth2
        ? ask
          ? `Connect ${provider.name}, add an API key${ask}`
          : `Connect ${provider.name} or add an API key`
        : `Add your ${provider.name} API key${ask}`;
      return { ready: false, reason: `${reason} first` };
    }
  }
  return { ready: false, reason: `Connect ${provider.name} first` };
}
