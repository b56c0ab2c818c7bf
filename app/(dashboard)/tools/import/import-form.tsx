"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import type { Problem } from "@/lib/openapi/document";
import type { ImportPreview as Preview } from "@/lib/openapi/preview";
import { fillServerUrl } from "@/lib/openapi/server-url";
import { OperationChooser } from "../operation-chooser";
import { AuthFields, schemeField, type AuthKind } from "./auth-fields";
import { MAX_MB, post, ProblemList } from "./import-client";
import { PreviewNotes } from "./preview-notes";
import { ServerFields } from "./server-fields";
import { SourceFields, type SourceKind } from "./source-fields";

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

  // The difference shown is against the API of the suggested name; another name is another API.
  const replacing = preview?.replaces !== undefined && name.trim() === preview.slug;

  return (
    <div className="space-y-5">
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold">1. The description</legend>
        <SourceFields kind={kind} onKind={setKind} text={text} onText={setText} file={file} onFile={setFile} url={url} onUrl={setUrl} tooLarge={tooLarge} />
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
          <PreviewNotes preview={preview} replacing={replacing} confirmed={confirmed} onConfirmed={setConfirmed} />
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

          <ServerFields
            servers={preview.servers}
            server={server}
            onServer={setServer}
            variableValues={variableValues}
            onVariableValues={setVariableValues}
            customServer={customServer}
            onCustomServer={setCustomServer}
          />

          <AuthFields
            securitySchemes={preview.securitySchemes}
            scheme={scheme}
            onScheme={setScheme}
            keyName={keyName}
            onKeyName={setKeyName}
            authKind={authKind}
            onAuthKind={setAuthKind}
            connections={connections}
            providerId={providerId}
            onProviderId={setProviderId}
            secret={secret}
            onSecret={setSecret}
          />

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
