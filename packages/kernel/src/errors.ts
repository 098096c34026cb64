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
