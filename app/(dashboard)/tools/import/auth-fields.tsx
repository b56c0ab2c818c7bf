"use client";

import { inputClass } from "@/app/_components/ui";
import type { SecurityScheme } from "@/lib/openapi/document";

export type AuthKind = "none" | "connection" | "secret";
/** Schemes a person can describe themselves (select values; a description's own schemes are listed by name). */
const CUSTOM_SCHEMES = [
  { value: "+bearer", label: "Bearer token (Authorization: Bearer …)" },
  { value: "+header", label: "API key in a header" },
  { value: "+query", label: "API key in a query parameter" },
  { value: "+basic", label: "Basic auth (user:password)" },
] as const;

function schemeLabel(name: string, scheme: SecurityScheme): string {
  if (scheme.type === "apiKey") return `${name}: API key in ${scheme.in} "${scheme.name}"`;
  if (scheme.type === "http") return `${name}: HTTP ${scheme.scheme}`;
  return `${name}: ${scheme.type}`;
}

function isBasic(scheme: SecurityScheme | undefined): boolean {
  return scheme?.type === "http" && scheme.scheme === "basic";
}

/** The `scheme` of an import's auth: a declared scheme's name, or the one the person described. */
export function schemeField(choice: string, keyName: string): string | { type: "bearer" | "basic" } | { type: "apiKey"; in: "header" | "query"; name: string } {
  if (choice === "+bearer") return { type: "bearer" };
  if (choice === "+basic") return { type: "basic" };
  if (choice === "+header" || choice === "+query") return { type: "apiKey", in: choice === "+header" ? "header" : "query", name: keyName.trim() };
  return choice;
}

type Props = {
  securitySchemes: Record<string, SecurityScheme>;
  scheme: string;
  onScheme: (scheme: string) => void;
  keyName: string;
  onKeyName: (name: string) => void;
  authKind: AuthKind;
  onAuthKind: (kind: AuthKind) => void;
  connections: { id: string; name: string }[];
  providerId: string;
  onProviderId: (id: string) => void;
  secret: string;
  onSecret: (secret: string) => void;
};

/** How calls authenticate: a scheme the description declares or one the person describes, with a pasted key or a connection. */
export function AuthFields({
  securitySchemes,
  scheme,
  onScheme: setScheme,
  keyName,
  onKeyName: setKeyName,
  authKind,
  onAuthKind: setAuthKind,
  connections,
  providerId,
  onProviderId: setProviderId,
  secret,
  onSecret: setSecret,
}: Props) {
  const schemes = Object.entries(securitySchemes);
  const customKey = scheme === "+header" || scheme === "+query";
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-semibold">3. Authentication</legend>
      {schemes.length === 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The description declares no security schemes. Say how calls authenticate, or send them without a credential.
        </p>
      )}
      <select aria-label="Security scheme" value={scheme} onChange={(event) => setScheme(event.target.value)} className={inputClass}>
        {schemes.length > 0 && (
          <optgroup label="Declared by the description">
            {schemes.map(([schemeName, entry]) => (
              <option key={schemeName} value={schemeName}>
                {schemeLabel(schemeName, entry)}
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label="Say how yourself">
          {CUSTOM_SCHEMES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </optgroup>
      </select>
      {customKey && (
        <input
          aria-label={scheme === "+header" ? "Header name" : "Query parameter name"}
          value={keyName}
          onChange={(event) => setKeyName(event.target.value)}
          className={inputClass}
          placeholder={scheme === "+header" ? "X-API-Key" : "api_key"}
        />
      )}
      <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="Credential">
        <label className="flex items-center gap-2">
          <input type="radio" name="auth" checked={authKind === "secret"} onChange={() => setAuthKind("secret")} /> A key or token I paste
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="auth" checked={authKind === "connection"} onChange={() => setAuthKind("connection")} disabled={connections.length === 0} />{" "}
          One of my connections
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="auth" checked={authKind === "none"} onChange={() => setAuthKind("none")} /> No credential
        </label>
      </div>
      {authKind === "secret" && (
        <input
          aria-label="Key or token"
          type="password"
          autoComplete="off"
          value={secret}
          onChange={(event) => setSecret(event.target.value)}
          className={inputClass}
          placeholder={isBasic(securitySchemes[scheme]) || scheme === "+basic" ? "user:password" : "Paste the key or token; it is sealed and never shown again"}
        />
      )}
      {authKind === "connection" && (
        <>
          <select aria-label="Connection" value={providerId} onChange={(event) => setProviderId(event.target.value)} className={inputClass}>
            {connections.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </select>
          <p className="text-xs text-zinc-500">A connection&apos;s credential is only sent to its service&apos;s own API address.</p>
        </>
      )}
    </fieldset>
  );
}
