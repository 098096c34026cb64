import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** A run file that is missing, not JSON, or not the shape its writer writes: names the file and the field. */
export class RunFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    readonly field?: string,
  ) {
    super(`${file}: ${field ? `field '${field}': ` : ''}${problem}`);
    this.name = 'RunFileError';
  }
}

/** Checks `value` against `schema`; on a mismatch throws a RunFileError naming the first bad field. */
export function validated<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new RunFileError(file, issue.message, issue.path.length ? issue.path.join('.') : undefined);
}

/** Reads and validates one JSON run file. */
export function readJsonFile<S extends z.ZodType>(schema: S, path: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RunFileError(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunFileError(path, `not valid JSON (${(error as Error).message}); a run cut off while writing?`);
  }
  return validated(schema, value, path);
}
