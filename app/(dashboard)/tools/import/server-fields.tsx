"use client";

import { inputClass } from "@/app/_components/ui";
import type { ServerEntry } from "@/lib/openapi/document";
import { fillServerUrl } from "@/lib/openapi/server-url";

type Props = {
  servers: ServerEntry[];
  server: string;
  onServer: (server: string) => void;
  variableValues: Record<string, string>;
  onVariableValues: (values: Record<string, string>) => void;
  customServer: string;
  onCustomServer: (url: string) => void;
};

/** The server calls go to: one the description lists (its variables filled in), or another URL. */
export function ServerFields({
  servers,
  server,
  onServer: setServer,
  variableValues,
  onVariableValues: setVariableValues,
  customServer,
  onCustomServer: setCustomServer,
}: Props) {
  const chosenServer = servers[Number(server)];
  return (
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
        {servers.map((entry, index) => (
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
      {(server === "custom" || servers.length === 0) && (
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
  );
}
