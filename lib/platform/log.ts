/** One-line structured logging. Never pass secrets here; callers log ids and outcomes only. */
type Level = "info" | "warn" | "error";

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  const line = `patchbay ${level}: ${message}${fields ? " " + JSON.stringify(fields) : ""}`;
  if (level === "info") console.log(line);
  else if (level === "warn") console.warn(line);
  else console.error(line);
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
