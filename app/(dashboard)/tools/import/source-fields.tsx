"use client";

import { inputClass } from "@/app/_components/ui";
import { formatSize, MAX_MB } from "./import-client";

export type SourceKind = "text" | "file" | "url";

type Props = {
  kind: SourceKind;
  onKind: (kind: SourceKind) => void;
  text: string;
  onText: (text: string) => void;
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  url: string;
  onUrl: (url: string) => void;
  tooLarge: boolean;
};

/** Where the description comes from: pasted, a file (never read into the page), or a URL Patchbay fetches. */
export function SourceFields({ kind, onKind: setKind, text, onText: setText, file, onFile: setFile, url, onUrl: setUrl, tooLarge }: Props) {
  return (
    <>
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
    </>
  );
}
