import { randomBytes } from "node:crypto";
import type { BoundCredential, CredentialPlacement } from "@/lib/http";
import type { RequestRecipe, SecurityScheme } from "./document";

/**
 * Builds the HTTP request for one imported operation from the tool's validated input: path
 * parameters substituted and encoded, query parameters serialised (OpenAPI's `form` style, arrays
 * repeated when exploded), headers and cookies set, the body encoded for its content type, and the
 * chosen credential described where the security scheme puts it, bound to the origins it may go
 * to (the outbound client attaches it, and only there).
 */

export type BuiltRequest = { url: string; method: string; headers: Record<string, string>; body?: string; credential?: BoundCredential };
/**
 * The API's credential and the origins it is bound to (see credentialForSpec). `schemeName` is the
 * description's scheme it stands for, or null for a scheme the person described, which goes with
 * every operation (the description says nothing about authentication, or says it wrong).
 */
export type AppliedCredential = { schemeName: string | null; scheme: SecurityScheme; value: string; origins: string[]; owner: string };

type Input = Record<string, unknown>;

function scalar(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** OpenAPI `simple` style (path and header parameters): arrays and objects comma-separated. */
function simple(value: unknown): string {
  if (Array.isArray(value)) return value.map(scalar).join(",");
  if (typeof value === "object" && value !== null)
    return Object.entries(value)
      .flatMap(([key, item]) => [key, scalar(item)])
      .join(",");
  return scalar(value);
}

function appendQuery(params: URLSearchParams, name: string, value: unknown, explode: boolean): void {
  if (Array.isArray(value)) {
    if (explode) for (const item of value) params.append(name, scalar(item));
    else params.append(name, value.map(scalar).join(","));
  } else if (typeof value === "object" && value !== null) {
    if (explode) for (const [key, item] of Object.entries(value)) params.append(key, scalar(item));
    else params.append(name, simple(value));
  } else {
    params.append(name, scalar(value));
  }
}

/** Multipart form data: one part per field; objects and arrays as JSON parts. Files are sent as their text. */
function multipart(value: Record<string, unknown>): { body: string; contentType: string } {
  const boundary = `patchbay-${randomBytes(12).toString("hex")}`;
  const parts = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => {
      const json = typeof item === "object" && item !== null;
      const name = key.replace(/["\r\n]/g, "_");
      return `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n${json ? "content-type: application/json\r\n" : ""}\r\n${scalar(item)}\r\n`;
    });
  return { body: `${parts.join("")}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

function encodeBody(contentType: string, value: unknown): { body: string; contentType: string } {
  if (/json/i.test(contentType)) return { body: JSON.stringify(value), contentType };
  const fields = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (/x-www-form-urlencoded/i.test(contentType) && fields) {
    const form = new URLSearchParams();
    for (const [key, item] of Object.entries(fields)) if (item !== undefined) form.append(key, scalar(item));
    return { body: form.toString(), contentType };
  }
  if (/^multipart\/form-data/i.test(contentType) && fields) return multipart(fields);
  return { body: typeof value === "string" ? value : JSON.stringify(value), contentType };
}

/** Whether the chosen credential goes with this operation: when the operation accepts that scheme or does not say. */
function usesCredential(recipe: RequestRecipe, schemeName: string | null): boolean {
  return schemeName === null || recipe.security === null || recipe.security.includes(schemeName);
}

export function buildRequest(serverUrl: string, recipe: RequestRecipe, input: Input, credential?: AppliedCredential): BuiltRequest {
  let path = recipe.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: "application/json, */*;q=0.8" };
  const cookies: string[] = [];
  for (const parameter of recipe.parameters) {
    const value = input[parameter.key];
    if (value === undefined || value === null) continue;
    if (parameter.in === "path") path = path.split(`{${parameter.name}}`).join(encodeURIComponent(simple(value)));
    else if (parameter.in === "query") appendQuery(query, parameter.name, value, parameter.explode);
    else if (parameter.in === "header") headers[parameter.name.toLowerCase()] = simple(value);
    else cookies.push(`${parameter.name}=${encodeURIComponent(simple(value))}`);
  }
  let body: string | undefined;
  if (recipe.body && input[recipe.body.key] !== undefined) {
    const encoded = encodeBody(recipe.body.contentType, input[recipe.body.key]);
    body = encoded.body;
    headers["content-type"] = encoded.contentType;
  }
  if (cookies.length) headers.cookie = cookies.join("; ");
  const base = serverUrl.replace(/\/+$/, "");
  const search = query.toString();
  const bound =
    credential && usesCredential(recipe, credential.schemeName)
      ? { origins: credential.origins, owner: credential.owner, placements: [placementFor(credential)] }
      : undefined;
  return {
    url: `${base}${path}${search ? `?${search}` : ""}`,
    method: recipe.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(bound ? { credential: bound } : {}),
  };
}

/** Where the security scheme puts the credential. */
function placementFor({ scheme, value }: AppliedCredential): CredentialPlacement {
  if (scheme.type === "apiKey") return { in: scheme.in, name: scheme.name, value };
  if (scheme.type === "http" && scheme.scheme === "basic")
    return { in: "header", name: "authorization", value: `Basic ${Buffer.from(value, "utf8").toString("base64")}` };
  return { in: "header", name: "authorization", value: `Bearer ${value}` };
}
