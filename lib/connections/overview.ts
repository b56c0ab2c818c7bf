import "server-only";
import { callbackUrl, listProviders, oauthCredentials, type Provider } from "@/lib/providers";
import { instanceKeyAccess, listInstanceKeyShares, type InstanceKeyShare } from "./instance-keys";
import { listConnections, type ConnectionSummary } from "./store";

export type ProviderCard = {
  id: string;
  name: string;
  description: string;
  color: string;
  oauth?: {
    configured: boolean;
    callbackUrl: string;
    variables: [string, string];
    scopes: string[];
    connections: ConnectionSummary[];
  };
  apiKey?: {
    variable: string;
    /** The instance-wide key, for this person: not set, theirs to use, or set but not shared with them. */
    instanceKey: "unset" | "usable" | "not_shared";
    /** Who shared the instance key with members, and when. */
    share?: InstanceKeyShare;
    help?: string;
    connection?: ConnectionSummary;
  };
};

type InstanceKeyView = Pick<NonNullable<ProviderCard["apiKey"]>, "instanceKey" | "share">;

function card(provider: Provider, mine: ConnectionSummary[], instance: InstanceKeyView): ProviderCard {
  return {
    id: provider.id,
    name: provider.name,
    description: provider.description,
    color: provider.color,
    oauth: provider.oauth2 && {
      configured: oauthCredentials(provider) !== undefined,
      callbackUrl: callbackUrl(provider),
      variables: [provider.oauth2.clientIdEnv, provider.oauth2.clientSecretEnv],
      scopes: provider.oauth2.scopes,
      connections: mine.filter((connection) => connection.authKind === "oauth2"),
    },
    apiKey: provider.apiKey && {
      variable: provider.apiKey.env,
      ...instance,
      help: provider.apiKey.help,
      connection: mine.find((connection) => connection.authKind === "api_key"),
    },
  };
}

/** Every provider in the registry with this user's connections to it: what the Connections page shows. */
export async function providerCards(userId: string): Promise<ProviderCard[]> {
  const mine = await listConnections(userId);
  const shares = await listInstanceKeyShares();
  const cards: ProviderCard[] = [];
  for (const provider of listProviders().filter((provider) => provider.oauth2 || provider.apiKey)) {
    const instance: InstanceKeyView = provider.apiKey
      ? { instanceKey: (await instanceKeyAccess(userId, provider)).state, share: shares.find((share) => share.providerId === provider.id) }
      : { instanceKey: "unset" };
    cards.push(
      card(
        provider,
        mine.filter((connection) => connection.providerId === provider.id),
        instance,
      ),
    );
  }
  return cards;
}

export type BriefStatus = "connected" | "needs_reconnect" | "error" | "not_connected" | "not_configured" | "instance_key";

/** One word per provider for the overview. */
export function briefStatus(card: ProviderCard): BriefStatus {
  const oauthConnections = card.oauth?.connections ?? [];
  if (oauthConnections.some((connection) => connection.status === "needs_reconnect" || connection.status === "revoked")) return "needs_reconnect";
  if (oauthConnections.some((connection) => connection.status === "error")) return "error";
  if (oauthConnections.length > 0 || card.apiKey?.connection) return "connected";
  if (card.apiKey?.instanceKey === "usable") return "instance_key";
  if (card.oauth && !card.oauth.configured && !card.apiKey) return "not_configured";
  return "not_connected";
}
