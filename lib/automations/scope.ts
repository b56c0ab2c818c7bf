import type { Actor } from "@/lib/platform";

/**
 * What expressions see: the trigger's data and, under `steps`, each finished step's output by key.
 * A delivery's payload is there parsed; its headers are there without credentials.
 */
export type RunScope = {
  payload?: unknown;
  headers?: Record<string, string>;
  event?: string | null;
  action?: string | null;
  delivery?: { id: number; providerId: string; endpointId: string | null };
  input?: unknown;
  schedule?: { dueAt: number };
  steps: Record<string, unknown>;
};

/** A step that failed; `permanent` when the next attempt would fail the same way (a missing tool, an input that does not fit). */
export class StepFailure extends Error {
  override name = "StepFailure";
  constructor(
    message: string,
    readonly permanent = false,
    readonly input?: unknown,
  ) {
    super(message);
  }
}

export type StepDone = {
  input?: unknown;
  output: unknown;
  /** Dotted paths of the input that hold secrets (a tool's declared secret fields): kept out of history. */
  secretFields?: readonly string[];
  /** A condition that was false with "stop": the run ends here, succeeded. */
  stop?: boolean;
  skipNext?: boolean;
};

export type StepContext = {
  actor: Actor;
  dryRun: boolean;
  deliveryId?: number;
  /** A workflow step's run from the attempt before, continued from its failed step rather than started again. */
  previousWorkflowRunId?: string;
  onWorkflowRun: (workflowRunId: string) => Promise<void>;
};
