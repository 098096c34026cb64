/** A training run that cannot go on: names where (epoch, step, batch) and what to do. */
export class KernelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelError';
  }
}
