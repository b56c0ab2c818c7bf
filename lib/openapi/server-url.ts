/** A server variable as the description declares it (OpenAPI 3 `servers[].variables`). */
export type ServerVariable = { default: string; enum?: string[]; description?: string };

/** A server URL with its `{variables}` replaced: the given values, else the defaults; unknown names stay as written. */
export function fillServerUrl(template: string, variables: Record<string, ServerVariable>, values: Record<string, string> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => values[name] ?? variables[name]?.default ?? whole);
}
