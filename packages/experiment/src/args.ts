import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { Experiment, PresetName } from './define.js';

export class UsageError extends Error {}

export interface ParsedArgs {
  preset: PresetName;
  name: string;
  runsDir: string;
  workers?: number;
  overrides: Record<string, unknown>;
  /** Set when this process is one cell of a sweep (internal: the runner passes these). */
  cell?: { config: unknown; dir: string; runDir?: string };
  help: boolean;
}

const PRESETS = ['smoke', 'default', 'paper'] as const;

export function parseExperimentArgs(argv: readonly string[]): ParsedArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', default: 'default' },
      name: { type: 'string' },
      'runs-dir': { type: 'string', default: 'runs' },
      workers: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      cell: { type: 'string' },
      'cell-dir': { type: 'string' },
      'run-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const preset = values.config as PresetName;
  if (!PRESETS.includes(preset)) throw new UsageError(`--config must be one of ${PRESETS.join(', ')}, got '${values.config}'`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) throw new UsageError(`--workers must be a positive integer, got '${values.workers}'`);
  const overrides: Record<string, unknown> = {};
  for (const assignment of values.set) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value (value as JSON, e.g. epochs=5, widths=[1,2,4], dataset=mnist), got '${assignment}'`);
    const raw = assignment.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word is a string: dataset=mnist.
    }
    overrides[assignment.slice(0, eq)] = value;
  }
  return {
    preset,
    name: values.name ?? preset,
    runsDir: values['runs-dir'],
    ...(workers ? { workers } : {}),
    overrides,
    ...(values.cell ? { cell: { config: JSON.parse(values.cell) as unknown, dir: values['cell-dir'] ?? '.', ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}) } } : {}),
    help: values.help,
  };
}

/** The preset with overrides applied (dotted keys set nested fields), validated by the schema. */
export function resolveConfig<S extends z.ZodObject>(experiment: Experiment<S>, preset: PresetName, overrides: Record<string, unknown>): z.output<S> {
  const merged = structuredClone(experiment.presets[preset]) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) setPath(merged, key, value);
  const parsed = experiment.schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new UsageError(`invalid ${experiment.name} config (preset '${preset}' with your --set values):\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

export function helpText(experiment: Experiment<z.ZodObject>): string {
  const fields = Object.entries(experiment.schema.shape).map(([key, type]) => {
    const description = (type as z.ZodType).description ?? '';
    const defaults = PRESETS.map((p) => `${p}: ${JSON.stringify((experiment.presets[p] as Record<string, unknown>)[key])}`).join('; ');
    return `  ${key.padEnd(16)} ${description}\n  ${''.padEnd(16)} (${defaults})`;
  });
  return [
    `${experiment.name}: ${experiment.title}`,
    `Claim tested: ${experiment.claim}`,
    '',
    `usage: npx nx run @mgdl/${experiment.name}:run[:smoke|:paper] [-- options]`,
    '  --config smoke|default|paper   preset (default: default)',
    '  --set key=value                override a config field (value as JSON; repeatable; dotted keys for nested fields)',
    '  --name NAME                    run name (default: the preset); output in RUNS_DIR/<app>/<name>/',
    '  --runs-dir DIR                 default: runs',
    '  --workers N                    parallel single-thread cells (default: one per core)',
    '',
    'config fields:',
    ...fields,
  ].join('\n');
}
