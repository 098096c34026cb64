/**
 * Raised when an input is non-physical or outside the range a model is defined on. It names the
 * offending field, the value received and the valid range, so a caller (or a training run feeding
 * predicted states in) can report exactly what was wrong without parsing the message.
 */
export class FluidizationError extends Error {
  override readonly name = 'FluidizationError';

  constructor(
    /** Dotted path of the input, e.g. `particles.diameter` or `superficialVelocity`. */
    readonly field: string,
    /** The value received. */
    readonly value: number,
    /** The valid range in interval notation with its unit, e.g. `(0, ∞) m`. */
    readonly range: string,
    /** Why the range applies, when it is not obvious from the field. */
    readonly reason?: string,
  ) {
    super(`${field} = ${value} is outside its valid range ${range}${reason ? `: ${reason}` : ''}`);
  }
}
