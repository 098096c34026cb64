import { readFileSync } from 'node:fs';
import { parseSlurmOptions, type SlurmOptions } from '@mgdl/sweep';
import { UsageError } from './usage-error.js';

/** Where the cells run: a local pool of processes, or Slurm array jobs. */
export type Executor = { kind: 'local' } | { kind: 'slurm'; options: SlurmOptions };

/**
 * The executor from --executor, an --executor-config JSON file (`{ "kind": "slurm", "partition": … }`)
 * and --slurm key=value settings (which win); a bad field is a usage error before anything is submitted.
 */
export function parseExecutor(kind: string, configFile: string | undefined, settings: readonly string[]): Executor {
  let fromFile: Record<string, unknown> = {};
  if (configFile) {
    try {
      fromFile = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--executor-config ${configFile}: ${(error as Error).message}`);
    }
  }
  const { kind: fileKind, ...fileOptions } = fromFile;
  const chosen = kind !== 'local' || !configFile ? kind : String(fileKind ?? 'local');
  if (chosen === 'local') {
    if (settings.length > 0) throw new UsageError('--slurm settings need --executor slurm');
    return { kind: 'local' };
  }
  if (chosen !== 'slurm') throw new UsageError(`--executor must be local or slurm, got '${chosen}'`);
  const fromFlags = Object.fromEntries(
    settings.map((setting) => {
      const eq = setting.indexOf('=');
      if (eq <= 0) throw new UsageError(`--slurm expects key=value (e.g. partition=short, mem=4G, time=2:00:00, throttle=8), got '${setting}'`);
      const key = setting.slice(0, eq);
      const raw = setting.slice(eq + 1);
      return [key, key === 'extra' ? raw.split(';') : raw];
    }),
  );
  try {
    return { kind: 'slurm', options: parseSlurmOptions({ ...fileOptions, ...fromFlags }) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
