/**
 * Runs once when the server starts: validates the configuration (a bad value stops start-up with
 * one line naming the variable) and opens the database, which applies pending migrations.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServer } = await import("@/lib/server/startup");
  await startServer();
}
