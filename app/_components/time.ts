function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** "in 7 h 59 min" / "3 min ago", from the server's clock at render time. */
export function relativeTime(date: Date, now = Date.now()): string {
  const delta = date.getTime() - now;
  return delta >= 0 ? `in ${span(delta)}` : `${span(delta)} ago`;
}
