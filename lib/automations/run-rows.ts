import type { automationRuns, automationRunSteps } from "@/db/schema";

/** An automation run's row and its steps' rows, as the run's modules pass them around. */
export type AutomationRunRow = typeof automationRuns.$inferSelect;
export type AutomationStepRow = typeof automationRunSteps.$inferSelect;
