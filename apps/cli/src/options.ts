// Option parsers and option groups the commands share. program.ts only assembles the commands, so
// nothing here may import it (eslint rejects a command importing program.ts: that was a cycle).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { backendNames } from '@mgdl/backend';

/** A commander parser for `flag` that accepts integers ≥ 1. */
export const positiveInt = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${value}'`);
  return n;
};

/** Options every command that trains or inspects a backend takes. */
export function backendOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'force a backend (env MGDL_BACKEND)').choices([...backendNames]))
    .option('--threads <n>', 'wasm threads (env MGDL_THREADS; default: all cores)', positiveInt('--threads'));
}
