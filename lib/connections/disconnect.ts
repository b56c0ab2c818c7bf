import "server-only";
import * as oauth from "oauth4webapi";
import { describeOAuthFailure, oauthSetup } from "@/lib/connections/oauth/client";
import { getProvider, type Provider } from "@/lib/providers";
import { log } from "@/lib/platform";
import { ConnectionError } from "./errors";
import { readPath } from "./provider-request";
import { deleteConnection, deleteSharedConnection, findConnection, findSharedConnection, unsealFrom, type ConnectionRow } from "./store";
import { liveAccessToken } from "./tokens";

/** Revocation was attempted and the provider did not confirm it; `reason` is short and secret-free. */
class NotConfirmed extends Error {
  override name = "NotConfirmed";
}

/** The token to revoke: refreshed first when due (a provider may refuse an expired one); the stored one if refreshing fails. */
async function tokenToRevoke(provider: Provider, row: ConnectionRow): Promise<string> {
  try {
    return await liveAccessToken(provider, row);
  } catch (error) {
    log.warn("refresh before revocation failed; revoking with the stored token", {
      connection: row.id,
      provider: provider.id,
      error: (error as Error).message,
    });
    return unsealFrom(row.id, "access_token", row.accessTokenSealed!);
  }
}

async function revokeAtProvider(provider: Provider, row: ConnectionRow): Promise<void> {
  const revoke = provider.oauth2!.revoke!;
  const setup = oauthSetup(provider);
  const endpoint = setup.as.revocation_endpoint!;
  let response: Response;
  if (revoke.style === "refresh-token-path") {
    // HubSpot: the refresh token is what is deleted, named in the path; nothing is refreshed first.
    if (!row.refreshTokenSealed) throw new NotConfirmed("no refresh token to revoke");
    const refreshToken = unsealFrom(row.id, "refresh_token", row.refreshTokenSealed);
    response = await fetch(`${endpoint.replace(/\/+$/, "")}/${encodeURIComponent(refreshToken)}`, {
      method: revoke.method,
      headers: { accept: "application/json", "user-agent": "Patchbay" },
      signal: AbortSignal.timeout(10_000),
      redirect: "error",
    });
    await response.body?.cancel();
    if (!response.ok) throw new NotConfirmed(`HTTP ${response.status}`);
    return;
  }
  const accessToken = await tokenToRevoke(provider, row);
  if (revoke.style === "rfc7009") {
    response = await oauth.revocationRequest(setup.as, setup.client, setup.clientAuth, accessToken, setup.options);
    const body = revoke.okField ? await response.clone().text() : "";
    try {
      await oauth.processRevocationResponse(response);
    } catch (error) {
      throw new NotConfirmed(describeOAuthFailure(error));
    }
    if (revoke.okField) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new NotConfirmed(`HTTP ${response.status}, not a JSON answer`);
      }
      if (readPath(parsed, revoke.okField) !== true) {
        const error = readPath(parsed, "error");
        throw new NotConfirmed(typeof error === "string" ? error.slice(0, 60) : `${revoke.okField} is not true`);
      }
    }
    return;
  }
  if (revoke.style === "bearer") {
    // Dropbox, Intercom, Zendesk, Shopify: the token revokes itself, sent the way API calls send it.
    const header = provider.oauth2!.tokenHeader ?? { name: "authorization", prefix: "Bearer " };
    response = await fetch(endpoint, {
      method: revoke.method,
      headers: { [header.name]: `${header.prefix}${accessToken}`, accept: "application/json", "user-agent": "Patchbay" },
      signal: AbortSignal.timeout(10_000),
      redirect: "error",
    });
    await response.body?.cancel();
    if (!response.ok) throw new NotConfirmed(`HTTP ${response.status}`);
    return;
  }
  // GitHub: DELETE /applications/{client_id}/grant, client id and secret as HTTP Basic, token in a JSON body.
  const basic = Buffer.from(`${setup.credentials.clientId}:${setup.credentials.clientSecret}`).toString("base64");
  response = await fetch(endpoint, {
    method: revoke.method,
    headers: { authorization: `Basic ${basic}`, accept: "application/json", "content-type": "application/json", "user-agent": "Patchbay" },
    body: JSON.stringify({ access_token: accessToken }),
    signal: AbortSignal.timeout(10_000),
  });
  // Only a 2xx confirms it. GitHub's 404 and 422 mean it did not recognise the client or the token,
  // so the grant may well still exist: that is reported, not taken for success.
  if (!response.ok) throw new NotConfirmed(`HTTP ${response.status}`);
}

export type DisconnectResult = {
  /** The provider confirmed the revocation. */
  revoked: boolean;
  /** What to tell the person, honestly. */
  message: string;
  /** Set when revocation was attempted and not confirmed. */
  warning?: string;
};

/**
 * Revokes the grant at the provider where it supports that (refreshing an expired token first),
 * then deletes the connection and its sealed tokens. Tokens are deleted here even when the
 * provider does not confirm the revocation; the result says so, so the person can revoke it on
 * the provider's side.
 */
export async function disconnect(userId: string, connectionId: string, options: { sharedIn?: string } = {}): Promise<DisconnectResult> {
  // A person's own connection, or (for its admins, checked by the caller) a workspace's shared one.
  const row = options.sharedIn ? await findSharedConnection(options.sharedIn, connectionId) : await findConnection(userId, connectionId, null);
  if (!row) throw new ConnectionError("not_found", "That connection does not exist.");
  const provider = getProvider(row.providerId);
  const name = provider?.name ?? row.providerId;
  let result: DisconnectResult = { revoked: false, message: "Disconnected." };
  if (provider?.oauth2 && row.authKind === "oauth2" && row.accessTokenSealed) {
    if (!provider.oauth2.revoke) {
      result = {
        revoked: false,
        message: `Disconnected. ${name} offers no revocation endpoint; remove Patchbay in your ${name} settings to end the grant there.`,
      };
    } else {
      try {
        await revokeAtProvider(provider, row);
        result = { revoked: true, message: "Disconnected and revoked." };
      } catch (error) {
        const reason = error instanceof NotConfirmed ? error.message : describeOAuthFailure(error);
        const warning = `${name} did not confirm the revocation (${reason}); revoke Patchbay in your ${name} settings.`;
        result = {
          revoked: false,
          message: `Disconnected; the provider did not confirm the revocation (${reason}). Revoke Patchbay in your ${name} settings.`,
          warning,
        };
        log.warn("revocation not confirmed", { connection: row.id, provider: row.providerId, reason });
      }
    }
  }
  if (options.sharedIn) await deleteSharedConnection(options.sharedIn, connectionId);
  else await deleteConnection(userId, connectionId);
  return result;
}
