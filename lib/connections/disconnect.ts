import "server-only";
import * as oauth from "oauth4webapi";
import { oauthSetup } from "@/lib/oauth/client";
import { getProvider, type Provider } from "@/lib/providers";
import { log } from "@/lib/log";
import { ConnectionError } from "./errors";
import { deleteConnection, findConnection, unsealFrom, type ConnectionRow } from "./store";

async function revokeAtProvider(provider: Provider, row: ConnectionRow): Promise<void> {
  const revoke = provider.oauth2?.revoke;
  if (!revoke || !row.accessTokenSealed) return;
  const setup = oauthSetup(provider);
  const accessToken = unsealFrom(row.id, "access_token", row.accessTokenSealed);
  const endpoint = setup.as.revocation_endpoint!;
  if (revoke.style === "rfc7009") {
    const response = await oauth.revocationRequest(setup.as, setup.client, setup.clientAuth, accessToken, setup.options);
    await oauth.processRevocationResponse(response);
    return;
  }
  // GitHub: DELETE /applications/{client_id}/grant, client id and secret as HTTP Basic, token in a JSON body.
  const basic = Buffer.from(`${setup.credentials.clientId}:${setup.credentials.clientSecret}`).toString("base64");
  const response = await fetch(endpoint, {
    method: revoke.method,
    headers: { authorization: `Basic ${basic}`, accept: "application/json", "content-type": "application/json", "user-agent": "Patchbay" },
    body: JSON.stringify({ access_token: accessToken }),
    signal: AbortSignal.timeout(10_000),
  });
  // 404/422: the grant is already gone at the provider, which is what we want.
  if (!response.ok && response.status !== 404 && response.status !== 422) throw new Error(`HTTP ${response.status}`);
}

/**
 * Revokes the grant at the provider where it supports that, then deletes the connection and its
 * sealed tokens. A provider that cannot be reached does not keep the tokens here: they are deleted
 * and the result says revocation failed, so the person can revoke it on the provider's side.
 */
export async function disconnect(userId: string, connectionId: string): Promise<{ revoked: boolean; warning?: string }> {
  const row = findConnection(userId, connectionId);
  if (!row) throw new ConnectionError("not_found", "That connection does not exist.");
  const provider = getProvider(row.providerId);
  let revoked = false;
  let warning: string | undefined;
  if (provider && row.authKind === "oauth2" && provider.oauth2?.revoke) {
    try {
      await revokeAtProvider(provider, row);
      revoked = true;
    } catch (error) {
      warning = `${provider.name} could not revoke the grant (${(error as Error).message}); revoke Patchbay in your ${provider.name} settings.`;
      log.warn("revocation failed", { connection: row.id, provider: row.providerId, error: (error as Error).message });
    }
  }
  deleteConnection(userId, connectionId);
  return { revoked, warning };
}
