const controller = new AbortController();

/**
 * Aborted when this cell process is asked to stop: SIGTERM, or SIGUSR1 (the warning a scheduler
 * such as Slurm sends before a time limit or preemption). Cells pass it to train(), which then
 * checkpoints after the current batch and rejects with a RunInterruptedError.
 */
export const cellStopSignal: AbortSignal = controller.signal;

/** Exit status of a cell that stopped on SIGUSR1 with a checkpoint to resume from (EX_TEMPFAIL: try again). */
export const PREEMPTED_EXIT = 75;

/** Routes SIGTERM and SIGUSR1 to `cellStopSignal` (once per process); returns which one arrived, when asked. */
export function stopOnSignals(): () => NodeJS.Signals | undefined {
  let received: NodeJS.Signals | undefined;
  for (const signal of ['SIGTERM', 'SIGUSR1'] as const) {
    process.once(signal, () => {
      received ??= signal;
      controller.abort(signal);
    });
  }
  return () => received;
}
