import "server-only";
import type { ConnectionValueSpec, Provider } from "@/lib/providers";
import { providerRequest, readPath } from "./provider-request";
import { unsealFrom, type ConnectionRow, type ConnectionValues } from "./store";

/*
 * Per-connection values (a provider's `connectionValues`): what the provider says about one
 * connection's account when it is made (Salesforce's instance_url in the token answer, Mailchimp's
 * API endpoint from its metadata, an Atlassian cloud id from accessible-resources), kept with the
 * connection and filled into its templates as `{connection.<name>}`, so that connection's requests
 * go to its account's own base URL rather than to one instance-wide setting.
 */

export class ConnectionValueError extends Error {
  override name = "ConnectionValueError";
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A discovered value goes into URLs: it must look like what the declaration says, or it is refused. */
function checked(name: string, spec: ConnectionValueSpec, raw: unknown): string {
  if (typeof raw !== "string" && typeof raw !== "number") throw new ConnectionValueError(`no ${spec.path} in the answer`);
  const value = String(raw);
  if (spec.format === "url") {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    const allowed = url && (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname)));
    if (!url || !allowed || url.username || url.password || url.search || url.hash) throw new ConnectionValueError(`its ${name} is not an https URL`);
    return value.replace(/\/+$/, "");
  }
  if (value.length > 200 || !new RegExp(`^(?:${spec.format.pattern})$`).test(value)) throw new ConnectionValueError(`its ${name} does not look like one`);
  return value;
}

/** `{connection.<name>}` template values from discovered values. */
export function templateValues(values: ConnectionValues): Record<string, string> {
  return Object.fromEntries(Object.entries({ ...values.plain, ...values.secret }).map(([name, value]) => [`connection.${name}`, value]));
}

/**
 * Reads the provider's connection values for a new connection: from the token answer, or by the
 * declared discovery requests made with the new access token (one request per URL, in declaration
 * order; a later request may use an earlier value). Throws ConnectionValueError when one is missing
 * or malformed: such a connection could not reach its account.
 */
export async function discoverConnectionValues(provider: Provider, accessToken: string, tokenAnswer: Record<string, unknown>): Promise<ConnectionValues> {
  const values: ConnectionValues = { plain: {}, secret: {} };
  const answers = new Map<string, Promise<unknown>>();
  const tokenFields = Object.fromEntries(
    Object.entries(tokenAnswer)
      .filter(([name, value]) => typeof value === "string" && !/token/.test(name))
      .map(([name, value]) => [`token.${name}`, value as string]),
  );
  for (const [name, spec] of Object.entries(provider.connectionValues)) {
    let answer: unknown = tokenAnswer;
    if (spec.request) {
      const request = spec.request;
      const key = `${request.method} ${request.url}`;
      if (!answers.has(key)) answers.set(key, providerRequest(provider, request, { accessToken }, { ...tokenFields, ...templateValues(values) }));
      answer = await answers.get(key)!;
    }
    (spec.secret ? values.secret : values.plain)[name] = checked(name, spec, readPath(answer, spec.path));
  }
  return values;
}

/** A connection's values as `{connection.<name>}` template values (the secret ones unsealed). */
export function connectionTemplateValues(row: Pick<ConnectionRow, "id" | "connectionValues" | "connectionValuesSealed">): Record<string, string> {
  const secret = row.connectionValuesSealed ? (JSON.parse(unsealFrom(row.id, "connection_values", row.connectionValuesSealed)) as Record<string, string>) : {};
  return templateValues({ plain: row.connectionValues ?? {}, secret });
}
