import { ConstraintError } from './errors.js';

/** Throws unless `value` is a finite number in the interval; `where` names the option for the message. */
export function requireIn(where: string, value: unknown, low: number, high: number, { lowOpen = false, highOpen = false } = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (lowOpen ? value > low : value >= low) &&
    (highOpen ? value < high : value <= high);
  if (!ok) throw new ConstraintError(`${where} must be a number in ${lowOpen ? '(' : '['}${low}, ${high === Infinity ? '∞' : high}${highOpen ? ')' : ']'}, got ${String(value)}`);
  return value;
}

export function requirePositiveInteger(where: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) throw new ConstraintError(`${where} must be a positive integer, got ${String(value)}`);
  return value;
}
