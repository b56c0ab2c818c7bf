"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { Problem, SecurityScheme } from "@/lib/openapi/document";
import type { ImportPreview as Preview } from "@/lib/openapi/preview";
import { fillServerUrl } from "@/lib/openapi/server-url";
import { OperationChooser } from "../operation-chooser";

type SourceKind = "text" | "file" | "url";
type AuthKind = "none" | "connection" | "secret";
/** Schemes a person can describe themselves (select values; a description's own schemes are listed by name). */
const CUSTOM_SCHEMES = [
  { value: "+bearer", label: "Bearer token (Authorization: Bearer …)" },
  { value: "+header", label: "API key in a header" },
  { value: "+query", label: "API key in a query parameter" },
  { value: "+basic", label: "Basic auth (user:password)" },
] as const;
const MAX_MB = 40;

function schemeLabel(name: string, scheme: SecurityScheme): string {
  if (scheme.type === "apiKey") return `${name}: API key in ${scheme.in} "${scheme.name}"`;
  if (scheme.type === "http") return `${name}: HTTP ${scheme.scheme}`;
  return `${name}: ${scheme.type}`;
}

function isBasic(scheme: SecurityScheme | undefined): boolean {
  return scheme?.type === "http" && scheme.scheme === "basic";
}

/** The `scheme` of an import's auth: a declared scheme's name, or the one the person described. */
function schemeField(choice: string, keyName: string): string | { type: "bearer" | "basic" } | { type: "apiKey"; in: "header" | "query"; name: string } {
  if (choice === "+bearer") return { type: "bearer" };
  if (choice === "+basic") return { type: "basic" };
  if (choice === "+header" || choice === "+query") return { type: "apiKey", in: choice === "+header" ? "header" : "query", name: keyName.trim() };
  return choice;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Posts an import request. A description given as text or a file goes as multipart/form-data: the
 * file part is the browser's own File (streamed from disk, never read into the page), the other
 * fields JSON; a URL goes as JSON.
 */
async function post(path: string, body: Record<string, unknown>, description?: Blob): Promise<{ ok: boolean; data: unknown }> {
  let response: Response;
  if (description) {
    const form = new FormData();
    form.append("request", JSON.stringify(body));
    form.append("description", description, description instanceof File ? description.name : "description.txt");
    response = await fetch(path, { method: "POST", body: form });
  } else {
    response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = { error: { message: `The server answered ${response.status}.`, problems: [] } };
  }
  return { ok: response.ok, data };
}

function ProblemList({ problems }: { problems: Problem[] }) {
  return (
    <ul className="list-disc space-y-1 pl-5" data-testid="import-problems">
      {problems.map((problem, index) => (
        <li key={index}>
          {problem.location && <code className="font-mono text-xs">{problem.location}</code>}
          {problem.location ? ": " : ""}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}

/** Paste, upload or fetch a description; preview what it contains; choose server and credential; save. */
export function ImportForm({ connections }: { connections: { id: string; name: string }[] }) {
  const router = useRouter();
  const [kind, setKind] = useState<SourceKind>("text");
  const [text, setText] = useState("");
  const [file, setFile] = useState<File>();
  const [url, setUrl] = useState("");
  const [name, setName] = useState("");
  const [keyName, setKeyName] = useState("");
  const [preview, setPreview] = useState<Preview>();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState<"preview" | "save">();
  const [server, setServer] = useState("");
  const [variableValues, setVariableValues] = useState<Record<string, string>>({});
  const [customServer, setCustomServer] = useState("");
  const [enabled, setEnabled] = useState<Set<string>>(new Set());
  const [confirmed, setConfirmed] = useState(false);
  const [authKind, setAuthKind] = useState<AuthKind>("none");
  const [scheme, setScheme] = useState("");
  const [providerId, setProviderId] = useState(connections[0]?.id ?? "");
  const [secret, setSecret] = useState("");

  // Text and files travel as the multipart part "description" (made when sent); only a URL is a JSON source.
  const description = () => (kind === "file" ? file : kind === "text" ? new Blob([text], { type: "text/plain" }) : undefined);
  const tooLarge = (kind === "file" ? (file?.size ?? 0) : kind === "text" ? text.length : 0) > MAX_MB * 1024 * 1024;
  const ready = kind === "file" ? file !== undefined : kind === "text" ? text.trim() !== "" : url.trim() !== "";

  async function readPreview() {
    if (tooLarge) {
      setProblems([{ location: "", message: `The description is larger than ${MAX_MB} MB.` }]);
      return;
    }
    setBusy("preview");
    setProblems([]);
    setPreview(undefined);
    const { ok, data } = await post("/api/openapi/preview", kind === "url" ? { source: { kind: "url", url } } : {}, description());
    setBusy(undefined);
    if (!ok) {
      const error = (data as { error?: { message?: string; problems?: Problem[] } }).error;
      setProblems(error?.problems?.length ? error.problems : [{ location: "", message: error?.message ?? "The description could not be read." }]);
      return;
    }
    const result = data as Preview;
    setPreview(result);
    setName(result.slug);
    setServer(result.servers.length ? "0" : "custom");
    setVariableValues({});
    setEnabled(new Set(result.operations.filter((operation) => operation.enabled).map((operation) => operation.toolId)));
    setConfirmed(false);
    // Without a declared scheme, calls go without a credential until the person says how.
    const firstScheme = Object.keys(result.securitySchemes)[0];
    setScheme(firstScheme ?? "+bearer");
    setAuthKind(firstScheme ? "secret" : "none");
  }

  async function save() {
    const chosen = preview?.servers[Number(server)];
    const serverUrl = server === "custom" || !chosen ? customServer.trim() : fillServerUrl(chosen.template, chosen.variables, variableValues);
    const chosenScheme = schemeField(scheme, keyName);
    const auth =
      authKind === "none"
        ? { kind: "none" }
        : authKind === "connection"
          ? { kind: "connection", scheme: chosenScheme, providerId }
          : { kind: "secret", scheme: chosenScheme, secret };
    setBusy("save");
    setProblems([]);
    // The chooser's ids carry the preview's name; saved under another name, they carry that one.
    const chosenName = name.trim();
    const enabledToolIds = [...enabled].map((toolId) => (preview ? `${chosenName}${toolId.slice(preview.slug.length)}` : toolId));
    const fields = { serverUrl, auth, name: chosenName, enabledToolIds, replace: replacing && confirmed };
    const { ok, data } = await post("/api/openapi/imports", kind === "url" ? { ...fields, source: { kind: "url", url } } : fields, description());
    setBusy(undefined);
    if (!ok) {
      const error = (data as { error?: { message?: string; problems?: Problem[] } }).error;
      setProblems(error?.problems?.length ? error.problems : [{ location: "", message: error?.message ?? "The import failed." }]);
      return;
    }
    router.push(`/tools/apis/${(data as { id: string }).id}?imported=1`);
  }

  const schemes = Object.entries(preview?.securitySchemes ?? {});
  const chosenServer = preview?.servers[Number(server)];
  // The difference shown is against the API of the suggested name; another name is another API.
  const replacing = preview?.replaces !== undefined && name.trim() === preview.slug;
  const customKey = scheme === "+header" || scheme === "+query";

  return (
    <div className="space-y-5">
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">1. The description</legend>
        <div className="flex gap-4 text-sm" role="radiogroup" aria-label="Where the description comes from">
          <label className="flex items-center gap-2">
            <input type="radio" name="source" checked={kind === "text"} onChange={() => setKind("text")} /> Paste
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="source" checked={kind === "file"} onChange={() => setKind("file")} /> Upload a file
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="source" checked={kind === "url"} onChange={() => setKind("url")} /> From a URL
          </label>
        </div>
        {kind === "text" ? (
          <div className="space-y-2">
            <label htmlFor="spec-text" className="block text-sm font-medium">
              OpenAPI description (JSON or YAML)
            </label>
            <textarea
              id="spec-text"
              value={text}
              onChange={(event) => setText(event.target.value)}
              rows={12}
              spellCheck={false}
              className={`${inputClass} font-mono text-xs`}
              placeholder="openapi: 3.1.0&#10;info: …"
            />
            <p className="text-xs text-zinc-500">Up to {MAX_MB} MB. For a large description, upload the file instead: the page never holds its text.</p>
          </div>
        ) : kind === "file" ? (
          <div className="space-y-1">
            <label className="block text-sm">
              <span className="font-medium">Description file (JSON or YAML) </span>
              <input
                type="file"
                accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
                aria-label="Description file"
                onChange={(event) => setFile(event.target.files?.[0])}
                className="text-sm"
              />
            </label>
            {file && (
              <p className="text-xs text-zinc-500" data-testid="chosen-file">
                {file.name}, {formatSize(file.size)}
                {tooLarge ? ` — larger than ${MAX_MB} MB, the limit` : ""}
              </p>
            )}
          </div>
        ) : (
          <div className="space-y-1">
            <label htmlFor="spec-url" className="block text-sm font-medium">
              URL of the description
            </label>
            <input
              id="spec-url"
              type="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              className={inputClass}
              placeholder="https://api.example.com/openapi.json"
            />
            <p className="text-xs text-zinc-500">Fetched by Patchbay; private and loopback addresses are refused unless the deployment allows them.</p>
          </div>
        )}
        <Button type="button" onClick={readPreview} disabled={busy !== undefined || !ready}>
          {busy === "preview" ? "Reading…" : "Preview"}
        </Button>
      </fieldset>

      {problems.length > 0 && (
        <Alert>
          <p className="mb-1 font-medium">{preview ? "The import was refused:" : "This description cannot be imported:"}</p>
          <ProblemList problems={problems} />
        </Alert>
      )}

      {preview && (
        <section aria-label="Preview" className="space-y-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <div>
            <h2 className="text-lg font-semibold" data-testid="preview-title">
              {preview.title}{" "}
              <span className="text-sm font-normal text-zinc-500">
                version {preview.version} · {preview.specVersion === "2.0" ? "Swagger 2.0" : `OpenAPI ${preview.specVersion}`}
              </span>
            </h2>
            {preview.description && <p className="mt-1 line-clamp-3 text-sm text-zinc-600 dark:text-zinc-400">{preview.description}</p>}
            <p className="mt-1 text-sm" data-testid="preview-count">
              {preview.operationCount} operations, as tools named <code className="font-mono text-xs">{name.trim() || preview.slug}.…</code>
            </p>
            <label className="mt-2 block max-w-xs text-sm">
              <span className="font-medium">Name of this API</span>
              <input
                aria-label="API name"
                value={name}
                onChange={(event) => setName(event.target.value.toLowerCase())}
                className={`${inputClass} font-mono`}
                pattern="[a-z0-9]+(-[a-z0-9]+)*"
                maxLength={40}
              />
              <span className="text-xs text-zinc-500">The first part of every tool id; kept when you import this API again.</span>
            </label>
          </div>
          {preview.warnings.length > 0 && (
            <details className="text-sm" open={preview.warnings.length <= 20} data-testid="preview-warnings">
              <summary className="cursor-pointer font-medium text-amber-700 dark:text-amber-300">
                {preview.warnings.length} {preview.warnings.length === 1 ? "warning" : "warnings"}: the description breaks its specification here, and is read
                anyway
              </summary>
              <div className="mt-2">
                <ProblemList problems={preview.warnings} />
              </div>
            </details>
          )}
          {preview.skipped.length > 0 && (
            <div className="text-sm" data-testid="preview-skipped">
              <p className="font-medium text-red-700 dark:text-red-300">
                {preview.skipped.length} {preview.skipped.length === 1 ? "operation is" : "operations are"} skipped; the others import:
              </p>
              <ProblemList problems={preview.skipped.map((skip) => ({ location: `${skip.method} ${skip.path}`, message: skip.reason }))} />
            </div>
          )}
          {preview.replaces && replacing && (
            <section aria-label="Changes" className="space-y-2 rounded-md border border-sky-300 p-3 text-sm dark:border-sky-800" data-testid="preview-diff">
              <p className="font-medium">
                You imported {preview.replaces.title} before ({preview.replaces.operationCount} operations). Saving replaces it: {preview.replaces.added.length}{" "}
                added, {preview.replaces.removed.length} removed, {preview.replaces.changed.length} changed, {preview.replaces.unchanged} unchanged. Your
                choices are kept for the operations that remain.
              </p>
              <ul className="space-y-0.5 font-mono text-xs">
                {preview.replaces.added.map((operation) => (
                  <li key={`added-${operation.toolId}`}>
                    + added {operation.method} {operation.path}
                  </li>
                ))}
                {preview.replaces.removed.map((operation) => (
                  <li key={`removed-${operation.toolId}`}>
                    − removed {operation.method} {operation.path}
                  </li>
                ))}
                {preview.replaces.changed.map((operation) => (
                  <li key={`changed-${operation.toolId}`}>
                    ~ changed {operation.method} {operation.path} ({operation.changed.join(", ")})
                  </li>
                ))}
              </ul>
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} /> Apply these changes
              </label>
            </section>
          )}
          <section aria-label="Tools" className="space-y-2">
            <h3 className="text-sm font-semibold">Choose the tools</h3>
            {preview.chooseFirst && enabled.size === 0 && (
              <Alert tone="info">
                This API has {preview.operationCount} operations, so none starts enabled. Choose the ones you want as tools: a whole tag, every operation of a
                method (say, all GET), or one by one.
              </Alert>
            )}
            <OperationChooser operations={preview.operations} enabled={enabled} onChange={setEnabled} />
          </section>

          <fieldset className="space-y-2">
            <legend className="text-sm font-semibold">2. Server</legend>
            <select
              aria-label="Server"
              value={server}
              onChange={(event) => {
                setServer(event.target.value);
                setVariableValues({});
              }}
              className={inputClass}
            >
              {preview.servers.map((entry, index) => (
                <option key={`${index}-${entry.template}`} value={String(index)}>
                  {entry.template}
                  {entry.description ? ` (${entry.description})` : ""}
                </option>
              ))}
              <option value="custom">Another URL…</option>
            </select>
            {chosenServer && Object.keys(chosenServer.variables).length > 0 && (
              <div className="space-y-2" data-testid="server-variables">
                {Object.entries(chosenServer.variables).map(([name, variable]) => (
                  <label key={name} className="block text-sm">
                    <span className="font-mono text-xs">{`{${name}}`}</span>
                    {variable.description ? <span className="text-zinc-500"> {variable.description}</span> : null}
                    <input
                      aria-label={`Server variable ${name}`}
                      list={variable.enum ? `server-variable-${name}` : undefined}
                      value={variableValues[name] ?? variable.default}
                      onChange={(event) => setVariableValues({ ...variableValues, [name]: event.target.value })}
                      className={inputClass}
                    />
                    {variable.enum && (
                      <datalist id={`server-variable-${name}`}>
                        {variable.enum.map((choice) => (
                          <option key={choice} value={choice} />
                        ))}
                      </datalist>
                    )}
                  </label>
                ))}
                <p className="font-mono text-xs" data-testid="server-url">
                  {fillServerUrl(chosenServer.template, chosenServer.variables, variableValues)}
                </p>
              </div>
            )}
            {(server === "custom" || preview.servers.length === 0) && (
              <input
                aria-label="Server URL"
                type="url"
                value={customServer}
                onChange={(event) => setCustomServer(event.target.value)}
                className={inputClass}
                placeholder="https://api.example.com/v1"
              />
            )}
          </fieldset>

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
                <input
                  type="radio"
                  name="auth"
                  checked={authKind === "connection"}
                  onChange={() => setAuthKind("connection")}
                  disabled={connections.length === 0}
                />{" "}
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
                placeholder={
                  isBasic(preview.securitySchemes[scheme]) || scheme === "+basic"
                    ? "user:password"
                    : "Paste the key or token; it is sealed and never shown again"
                }
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

          <Button type="button" onClick={save} disabled={busy !== undefined || (replacing && !confirmed)}>
            {busy === "save"
              ? "Saving…"
              : replacing
                ? `Apply changes (${enabled.size} tools enabled)`
                : `Import (${enabled.size} of ${preview.operationCount} operations enabled as tools)`}
          </Button>
        </section>
      )}
    </div>
  );
}
