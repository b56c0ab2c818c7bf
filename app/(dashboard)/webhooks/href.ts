/** The Webhooks page's URL for these filters: only the ones set, in a stable order (no empty parameters). */
export function webhooksHref(filters: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const name of ["range", "from", "to", "provider", "event", "status", "verified", "endpoint", "q", "cursor", "after"]) {
    const value = filters[name];
    if (value !== undefined && String(value).trim() !== "") params.set(name, String(value).trim());
  }
  const query = params.toString();
  return query ? `/webhooks?${query}` : "/webhooks";
}
