import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseExecutor, type Executor } from './executor-args.js';
import { UsageError } from './usage-error.js';
import type { z } from 'zod';
import type { Experiment, PresetName } from '../runner/define.js';


export interface ParsedArgs {
  preset: PresetName;
  name: string;
  runsDir: string;
  workers?: number;
  overrides: Record<string, unknown>;
  /** Discard cells made by another config instead of stopping. */
  fresh: boolean;
  /** Read dataset files whose size or checksum is not the published one (sets MGDL_VERIFY=0 for the cells). */
  noVerify: boolean;
  /** Where the cells run: a local pool of processes, or Slurm array jobs. */
  executor: Executor;
  /** Slurm: print the array-job script instead of submitting it. */
  dryRun: boolean;
  /** Slurm: follow the submitted cells until they end, then conclude. */
  wait: boolean;
  /** Print each cell's state (done, running, pending, preempted, failed) and exit. */
  status: boolean;
  /** Take the run's lock whoever holds it (its holder, e.g. on another host, is known to be gone). */
  breakLock: boolean;
  /** Train the cells that differ only in their seed together, where the experiment can (`ensembleCell`); off: each cell alone. */
  ensemble: boolean;
  /** Set when this process is one cell of a sweep (internal: the runner passes these). */
  cell?: { config: unknown; dir: string; runDir?: string };
  /** Set when this process trains a group of cells together (internal: `--cells`, a JSON list of { config, dir }). */
  cells?: { members: { config: unknown; dir: string }[]; runDir: string };
  help: boolean;
}

const PRESETS = ['smoke', 'default', 'paper'] as const;

const OPTIONS = {
  preset: { type: 'string' },
  config: { type: 'string' },
  name: { type: 'string' },
  'runs-dir': { type: 'string', default: 'runs' },
  workers: { type: 'string' },
  set: { type: 'string', multiple: true, default: [] as string[] },
  'data-dir': { type: 'string' },
  'no-verify': { type: 'boolean', default: false },
  fresh: { type: 'boolean', default: false },
  executor: { type: 'string', default: 'local' },
  'executor-config': { type: 'string' },
  slurm: { type: 'string', multiple: true, default: [] as string[] },
  'dry-run': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  status: { type: 'boolean', default: false },
  'break-lock': { type: 'boolean', default: false },
  ensemble: { type: 'string', default: 'on' },
  cell: { type: 'string' },
  cells: { type: 'string' },
  'cell-dir': { type: 'string' },
  'run-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

// Path segments that would reach Object.prototype through a dotted --set key.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseExperimentArgs(argv: readonly string[]): ParsedArgs {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true }));
  } catch (error) {
    // node:util's parse errors (unknown option, missing value) are usage errors like any other.
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    const hint = unknown ? suggestion(unknown.replace(/^-+/, ''), Object.keys(OPTIONS).filter((o) => !o.startsWith('cell') && o !== 'run-dir'))?.replace(/^/, '--') : undefined;
    throw new UsageError(`${(error as Error).message.split('. ')[0]}${hint ? `; did you mean ${hint}?` : ''}`);
  }
  if (values.name !== undefined && !/^[\w.=,+-]+$/.test(values.name) || values.name === '.' || values.name === '..') {
    throw new UsageError(`--name ${JSON.stringify(values.name)}: a run name is one folder name inside the runs folder (letters, digits and . _ - = , +; not '.', '..' or a path)`);
  }
  if (values.preset !== undefined && values.config !== undefined && values.preset !== values.config) throw new UsageError(`--preset ${values.preset} and --config ${values.config} disagree: give one of them`);
  const preset = (values.preset ?? values.config ?? 'default') as PresetName;
  if (!PRESETS.includes(preset)) throw new UsageError(`--preset must be one of ${PRESETS.join(', ')}, got '${preset}'`);
  if (values.ensemble !== 'on' && values.ensemble !== 'off') throw new UsageError(`--ensemble must be on or off, got '${values.ensemble}'`);
  if (values.cells !== undefined && values['run-dir'] === undefined) throw new UsageError('--cells needs --run-dir (the runner passes both)');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) throw new UsageError(`--workers must be a positive integer, got '${values.workers}'`);
  const overrides: Record<string, unknown> = {};
  for (const assignment of values.set) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value (value as JSON, e.g. epochs=5, widths=[1,2,4], dataset=mnist), got '${assignment}'`);
    const key = assignment.slice(0, eq);
    const bad = key.split('.').find((segment) => FORBIDDEN_SEGMENTS.has(segment) || segment === '');
    if (bad !== undefined) throw new UsageError(`--set ${key}: the path segment ${JSON.stringify(bad)} is not a config field`);
    const raw = assignment.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word is a string: dataset=mnist.
    }
    // JSON reads 1e400 as Infinity: no config field takes it, and the schema's message would not say why.
    if (!finiteNumbers(value)) throw new UsageError(`--set ${key}=${raw}: a number out of range (it reads as ±Infinity); give a finite number`);
    overrides[key] = value;
  }
  return {
    preset,
    name: values.name ?? preset,
    runsDir: values['runs-dir'],
    ...(workers ? { workers } : {}),
    overrides: values['data-dir'] === undefined ? overrides : { ...overrides, dataDir: values['data-dir'] },
    fresh: values.fresh,
    noVerify: values['no-verify'],
    executor: parseExecutor(values.executor, values['executor-config'], values.slurm),
    dryRun: values['dry-run'],
    wait: values.wait,
    status: values.status,
    breakLock: values['break-lock'],
    ensemble: values.ensemble === 'on',
    ...(values.cells ? { cells: { members: JSON.parse(values.cells) as { config: unknown; dir: string }[], runDir: values['run-dir']! } } : {}),
    ...(values.cell ? { cell: { config: JSON.parse(values.cell) as unknown, dir: values['cell-dir'] ?? '.', ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}) } } : {}),
    help: values.help,
  };
}

/** The preset with overrides applied (dotted keys set nested fields), validated by the schema; an unknown field is a usage error. */
export function resolveConfig<S extends z.ZodObject>(experiment: Experiment<S>, preset: PresetName, overrides: Record<string, unknown>): z.output<S> {
  for (const key of Object.keys(overrides)) checkField(experiment, key);
  const merged = structuredClone(experiment.presets[preset]) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) setPathReplacing(merged, key, value);
  const parsed = experiment.schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new UsageError(`invalid ${experiment.name} config (preset '${preset}' with your --set values):\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** Throws a UsageError when a dotted --set key names no field of the experiment's schema, with the closest one. */
function checkField(experiment: Experiment<z.ZodObject>, key: string): void {
  let shape: Record<string, z.ZodType> | undefined = experiment.schema.shape as Record<string, z.ZodType>;
  const segments = key.split('.');
  for (const [i, segment] of segments.entries()) {
    if (shape === undefined) return; // a free-form value (a record or array): the schema checks it
    const field = Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    if (!field) {
      const known = Object.keys(shape);
      const close = suggestion(segment, known);
      const where = segments.slice(0, i).join('.');
      if (key === 'dataDir') throw new UsageError(`--data-dir: ${experiment.name} reads no dataset files`);
      throw new UsageError(`--set ${key}: ${experiment.name} has no config field '${[where, segment].filter(Boolean).join('.')}'${close ? `; did you mean '${[where, close].filter(Boolean).join('.')}'?` : ''} (--help lists the fields)`);
    }
    shape = objectShape(field);
  }
}

/** The fields of a (possibly optional or defaulted) zod object, or undefined for any other type. */
function objectShape(type: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = (type as unknown as { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
  if (def.type === 'object') return def.shape;
  return def.innerType ? objectShape(def.innerType) : undefined;
}

/** The known word within edit distance 2 of `word` (the closest), if any. */
export function suggestion(word: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  const ranked = known.map((k) => ({ k, d: distance(word.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  return ranked[0] && ranked[0].d <= 2 ? ranked[0].k : undefined;
}

/**
 * Sets the field at a dotted `path` (`model.width`), replacing whatever stands on the way that is
 * not an object with a new object — a --set value overrides the preset, and the schema then judges
 * the result. (A grid key of @mgdl/sweep is set by its `setPathOrThrow` instead, which refuses to
 * replace a value of the base config.)
 */
export function setPathReplacing(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/** @deprecated use `setPathReplacing` (the name says what it does on the way, unlike @mgdl/sweep's `setPathOrThrow`); removed in 0.3.0. */
export const setPath = setPathReplacing;

export function helpText(experiment: Experiment<z.ZodObject>, usage: string): string {
  const fields = Object.entries(experiment.schema.shape).map(([key, type]) => {
    const description = (type as z.ZodType).description ?? '';
    const defaults = PRESETS.map((p) => `${p}: ${JSON.stringify((experiment.presets[p] as Record<string, unknown>)[key])}`).join('; ');
    return `  ${key.padEnd(16)} ${description}\n  ${''.padEnd(16)} (${defaults})`;
  });
  return [
    `${experiment.name}: ${experiment.title}`,
    `Claim tested: ${experiment.claim}`,
    '',
    `usage: ${usage} [options]`,
    '  --preset smoke|default|paper   preset (default: default; --config is the same)',
    '  --set key=value                override a config field (value as JSON; repeatable; dotted keys for nested fields)',
    '  --name NAME                    run name (default: the preset); output in RUNS_DIR/<app>/<name>/',
    '  --runs-dir DIR                 default: runs',
    '  --workers N                    parallel single-thread cells (default: one per core)',
    '  --fresh                        discard cells a different config, code or data made in this run (else the run stops, exit 2)',
    '  --data-dir DIR                 dataset folder (sets the dataDir field; else MGDL_DATA_DIR, the cache, or a download)',
    '  --no-verify                    read dataset files whose size or checksum is not the published one',
    '  --executor local|slurm         run the cells here (default) or as Slurm array jobs (run directory on a shared file system)',
    '  --slurm key=value              partition, account, qos, time, mem, cpusPerTask, throttle, signalSeconds, extra (repeatable)',
    '  --executor-config FILE         the same as JSON: { "kind": "slurm", "partition": "short", "mem": "4G", … }',
    '  --dry-run                      slurm: print the array-job script instead of submitting it',
    '  --wait                         slurm: follow the cells until they end, then conclude and write the report',
    '  --status                       print each cell\'s state (done, running, pending, preempted, failed) and exit',
    '  --ensemble on|off              on (default): cells that differ only in their seed train together as one ensemble, where the experiment supports it (every cic-* app and forgetting-toneva, dense and conv nets) — the same numbers, one process (on Slurm, one array task per ensemble); off: each cell alone',
    '  --break-lock                   take the run\'s lock even if another process (e.g. on another host) holds it: only when it is gone',
    '',
    'config fields:',
    ...fields,
  ].join('\n');
}

/** Whether every number in a parsed --set value is finite. */
const finiteNumbers = (value: unknown): boolean =>
  typeof value === 'number' ? Number.isFinite(value) : Array.isArray(value) ? value.every(finiteNumbers) : value !== null && typeof value === 'object' ? Object.values(value).every(finiteNumbers) : true;
