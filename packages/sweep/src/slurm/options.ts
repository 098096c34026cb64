/** How array jobs ask Slurm for resources; every field is optional (the cluster's defaults apply). */
export interface SlurmOptions {
  partition?: string;
  account?: string;
  qos?: string;
  /** Wall-clock limit per task, in a form sbatch reads: MM, MM:SS, HH:MM:SS, D-HH[:MM[:SS]]. */
  time?: string;
  /** Memory per task: a number with an optional K, M, G or T suffix (sbatch's --mem). */
  mem?: string;
  /** Cores per task (default 1); the cell's wasm backend uses that many threads. */
  cpusPerTask?: number;
  /** At most this many tasks run at once (the array's %N). */
  throttle?: number;
  /** Seconds before the time limit at which Slurm sends USR1, so a cell checkpoints and exits (default 120). */
  signalSeconds?: number;
  /** Extra `#SBATCH` lines, e.g. `--constraint=avx512` or `#SBATCH --mail-type=END`. */
  extra?: string[];
}

export class SlurmConfigError extends Error {
  constructor(message: string) {
    super(`slurm executor: ${message}`);
    this.name = 'SlurmConfigError';
  }
}

const TEXT_FIELDS = ['partition', 'account', 'qos'] as const;
const COUNT_FIELDS = ['cpusPerTask', 'throttle', 'signalSeconds'] as const;
const FIELDS = [...TEXT_FIELDS, 'time', 'mem', ...COUNT_FIELDS, 'extra'] as const;
const TIME = /^(\d+-\d{1,2}(:\d{2}(:\d{2})?)?|\d+(:\d{2}){0,2})$/;
const MEM = /^\d+[KMGT]?$/;
// A value lands in a #SBATCH line: nothing that could end the line or start a shell word.
const SAFE = /^[A-Za-z0-9_.,:=@%+\-/]+$/;

/** Checks options from a config file or the command line; names the field and the form it needs. */
export function parseSlurmOptions(raw: Record<string, unknown>): SlurmOptions {
  const options: SlurmOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new SlurmConfigError(`unknown field '${key}'; the fields are ${FIELDS.join(', ')}`);
    if ((TEXT_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || !SAFE.test(value)) throw new SlurmConfigError(`${key} must be a name (letters, digits, . _ - …), got ${JSON.stringify(value)}`);
      options[key as (typeof TEXT_FIELDS)[number]] = value;
    } else if (key === 'time') {
      if (typeof value !== 'string' || !TIME.test(value)) throw new SlurmConfigError(`time must be MM, MM:SS, HH:MM:SS or D-HH[:MM[:SS]], got ${JSON.stringify(value)}`);
      options.time = value;
    } else if (key === 'mem') {
      if (typeof value !== 'string' || !MEM.test(value)) throw new SlurmConfigError(`mem must be a number with an optional K, M, G or T suffix (e.g. 4G), got ${JSON.stringify(value)}`);
      options.mem = value;
    } else if (key === 'extra') {
      if (!Array.isArray(value) || value.some((line) => typeof line !== 'string' || /[\n\r]/.test(line))) throw new SlurmConfigError('extra must be a list of single-line #SBATCH options');
      options.extra = value as string[];
    } else {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new SlurmConfigError(`${key} must be a positive integer, got ${JSON.stringify(value)}`);
      options[key as (typeof COUNT_FIELDS)[number]] = n;
    }
  }
  return options;
}
