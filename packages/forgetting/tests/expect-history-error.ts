import { expect } from 'vitest';
import { HistoryError } from '../src/errors.js';

/** Runs `action`, asserts it throws a HistoryError, and returns it for checks on its message. */
export function thrown(action: () => unknown): HistoryError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryError);
    return error as HistoryError;
  }
  throw new Error('expected a HistoryError');
}
