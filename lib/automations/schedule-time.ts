import { Cron } from "croner";

/**
 * Cron in a time zone (croner: five fields, standard day-of-month OR day-of-week), client-safe so
 * the editor can show the next times as a person types.
 */
export function cronProblem(cron: string, timezone: string): string | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return "Write five fields: minute hour day-of-month month day-of-week (e.g. 0 9 * * 1-5).";
  try {
    Intl.DateTimeFormat(undefined, { timeZone: timezone });
  } catch {
    return `"${timezone}" is not a time zone (write one like Europe/Berlin or UTC).`;
  }
  try {
    new Cron(cron, { timezone, paused: true });
    return undefined;
  } catch (error) {
    return `The schedule cannot be read: ${(error as Error).message}`;
  }
}

/** The first due time strictly after `after` (epoch ms), or null when the pattern never fires again. */
export function nextDueTime({ cron, timezone }: { cron: string; timezone: string }, after: number): number | null {
  const next = new Cron(cron, { timezone, paused: true }).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/** The next `count` due times, for the editor. */
export function upcomingTimes(schedule: { cron: string; timezone: string }, after: number, count = 3): number[] {
  const times: number[] = [];
  let from = after;
  for (let index = 0; index < count; index++) {
    const next = nextDueTime(schedule, from);
    if (next === null) break;
    times.push(next);
    from = next;
  }
  return times;
}
