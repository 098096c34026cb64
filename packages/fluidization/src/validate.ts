import { FluidizationError } from './errors.js';

// NaN fails every comparison, so each check is written so that NaN (and ±Infinity) is rejected.

/** Requires a finite value > 0. */
export function requirePositive(field: string, value: number, unit: string): void {
  if (!(value > 0 && Number.isFinite(value))) throw new FluidizationError(field, value, `(0, ∞) ${unit}`);
}

/** Requires a finite value ≥ 0. */
export function requireNonNegative(field: string, value: number, unit: string): void {
  if (!(value >= 0 && Number.isFinite(value))) throw new FluidizationError(field, value, `[0, ∞) ${unit}`);
}

/** Requires a fraction strictly inside (0, 1). */
export function requireOpenFraction(field: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new FluidizationError(field, value, '(0, 1)');
}

/** Requires a value > `lower` (finite), e.g. a gas velocity above minimum fluidization. */
export function requireAbove(field: string, value: number, lower: number, unit: string, reason: string): void {
  if (!(value > lower && Number.isFinite(value))) {
    throw new FluidizationError(field, value, `(${lower}, ∞) ${unit}`, reason);
  }
}
