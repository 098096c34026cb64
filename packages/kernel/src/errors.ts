/** A training run that cannot go on: names where (epoch, step, batch) and what to do. */
export class KernelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelError';
  }
}

/** The run was asked to stop (its `signal` aborted, e.g. on a scheduler's warning before preemption); its checkpoint is where to resume. */
export class RunInterruptedError extends KernelError {
  constructor(
    message: string,
    /** Whether a checkpoint holds every step taken, so a resume loses nothing. */
    readonly checkpointed: boolean,
  ) {
    super(message);
    this.name = 'RunInterruptedError';
  }
}

/** The error a run stopped by its `signal` rejects with: where it stopped, and whether (and where) a checkpoint continues it. */
export function interruptedAt(next: { epoch: number; batchIndex: number }, step: number, checkpoint: { dir: string } | undefined): RunInterruptedError {
  const where = `epoch ${next.epoch + 1}, batch ${next.batchIndex}, after step ${step}`;
  return new RunInterruptedError(
    checkpoint ? `interrupted at ${where}; the checkpoint in ${checkpoint.dir} continues it` : `interrupted at ${where}; without checkpoint.dir nothing was saved`,
    Boolean(checkpoint),
  );
}
