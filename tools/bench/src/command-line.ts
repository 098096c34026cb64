import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A command line the user got wrong: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

type Values<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'];

/** A bench entry point's parsed flags, and how it refuses a bad one. */
export interface CommandLine<O extends ParseArgsOptionsConfig> {
  values: Values<O>;
  /** Prints `<command>: <message>` and the usage on stderr and exits 2. */
  fail(message: string): never;
  /** The flag's text read by `parse` (e.g. positiveInteger); a value it refuses fails naming the flag. Undefined when the flag has no value. */
  value<K extends keyof Values<O> & string, T>(flag: K, parse: (text: string) => T): undefined extends Values<O>[K] ? T | undefined : T;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses `argv` with the given options plus -h/--help: help prints the usage on stdout and exits 0;
 * an unknown option, a missing value or a stray argument prints one line and the usage on stderr
 * and exits 2, before the command does any work.
 */
export function commandLine<const O extends ParseArgsOptionsConfig>(command: string, usage: string, options: O, argv: readonly string[] = process.argv.slice(2)): CommandLine<O> {
  // Every flag must be in the usage text: a new flag without its line there is the author's slip.
  const unnamed = Object.keys(options).filter((flag) => !new RegExp(`--${flag}(?![\\w-])`).test(usage));
  if (unnamed.length > 0) throw new Error(`${command}: the usage text does not name ${unnamed.map((f) => `--${f}`).join(', ')}`);
  const fail = (message: string): never => {
    process.stderr.write(`${command}: ${message}\n${usage}\n`);
    process.exit(2);
  };
  let parsed: { help: boolean; values: Values<O> };
  try {
    parsed = parseFlags(options, argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    throw error;
  }
  if (parsed.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const { values } = parsed;
  return {
    values,
    fail,
    value: (flag, parse) => {
      const text = (values as Record<string, unknown>)[flag];
      if (text === undefined) return undefined as never;
      try {
        return parse(String(text));
      } catch (error) {
        if (error instanceof UsageError) return fail(`--${flag} '${String(text)}' ${error.message}`);
        throw error;
      }
    },
  };
}

/** parseArgs with -h/--help added; its own errors (unknown option, missing value…) become a one-line UsageError. */
export function parseFlags<const O extends ParseArgsOptionsConfig>(options: O, argv: readonly string[]): { help: boolean; values: Values<O> } {
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: false });
    const { help, ...rest } = values as Record<string, unknown>;
    return { help: help === true, values: rest as Values<O> };
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) throw error;
    // node's messages run on over several sentences and lines; the first sentence says what is wrong.
    const message = (error as Error).message;
    const what = message.split(/\.(?:\s|$)/)[0]!;
    // `--seconds -1` reads as a flag without its value: node's fix (the --flag=value form) stays on the line.
    const dashForm = /use '(--[^']+=-XYZ)'/.exec(message)?.[1];
    throw new UsageError(dashForm ? `${what}: a value starting with a dash is written ${dashForm}` : what);
  }
}

/** A whole number ≥ 1. */
export function positiveInteger(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new UsageError('must be a positive integer');
  return n;
}

/** A whole number ≥ 0. */
export function nonNegativeInteger(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError('must be a whole number ≥ 0');
  return n;
}

/** A finite number > 0 (seconds). */
export function positiveNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError('must be a positive number');
  return n;
}

/** A comma-separated list of positive integers, e.g. 1,2,5. */
export function positiveIntegers(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '' || !Number.isInteger(Number(part)) || Number(part) < 1)) throw new UsageError('must list positive integers, e.g. 1,2,5');
  return parts.map(Number);
}
