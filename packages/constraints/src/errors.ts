/** A constraint or plugin option that cannot work; the message names the option, the value and what is allowed. */
export class ConstraintError extends Error {
  override readonly name = 'ConstraintError';
}
