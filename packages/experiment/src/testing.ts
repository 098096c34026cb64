import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirOrSynthetic, type SyntheticDatasetName } from '@mgdl/datasets';

export interface SmokeRunOptions {
  /** The app's name: its output is `RUNS/<app>/smoke`. */
  app: string;
  /** URL of the app's `src/main.ts` (`new URL('../src/main.ts', import.meta.url)`). */
  main: URL;
  /** Datasets the preset reads: taken from `sharedData` where it has them all, else synthetic (checksums off). */
  datasets?: readonly SyntheticDatasetName[];
  /** Default: the workspace's sibling `shared/data`, i.e. `apps/<app>/src/../../../../shared/data`. */
  sharedData?: string;
  /** More command-line arguments, e.g. `['--workers', '2']`. */
  args?: readonly string[];
  timeoutMs?: number;
}

export interface SmokeRun {
  run: SpawnSyncReturns<string>;
  /** The run directory, `RUNS/<app>/smoke`. */
  out: string;
  dataDir: string | undefined;
}

/**
 * Runs an app's `smoke` preset as a user would: a child process with the source condition, a fresh
 * runs folder, and the real datasets where they exist or small synthetic ones in the same formats
 * where they do not (so the smoke test runs on every clone).
 */
export function runSmoke({ app, main, datasets = [], sharedData, args = [], timeoutMs = 600_000 }: SmokeRunOptions): SmokeRun {
  const mainPath = fileURLToPath(main);
  const runs = mkdtempSync(join(tmpdir(), `mgdl-${app}-`));
  const data = datasets.length > 0 ? dataDirOrSynthetic(sharedData ?? resolve(dirname(mainPath), '../../../../shared/data'), datasets, { train: 1200, test: 600 }) : undefined;
  const dataArgs = data ? ['--set', `dataDir=${JSON.stringify(data.dir)}`] : [];
  const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath, '--config', 'smoke', '--runs-dir', runs, ...dataArgs, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, ...(data?.synthetic ? { MGDL_VERIFY: '0' } : {}) },
  });
  return { run, out: join(runs, app, 'smoke'), dataDir: data?.dir };
}

/** What a cell wrote that must not depend on how it was trained: its metrics without what measures time, and its per-sample record. */
export interface CellResults {
  metrics: unknown;
  /** samples/forgetting.csv, as text; absent for cells that keep no per-sample record (regression cells). */
  forgetting?: string;
}

/** Which of a cell's files its results include besides metrics.json. */
export interface ResultFiles {
  /** samples/forgetting.csv (default true; false for cells that write none, such as the bubbling bed's). */
  forgetting?: boolean;
}

/** The results in `cellDir` (a cell's directory of a run): metrics.json without rates, seconds and dates, and samples/forgetting.csv. */
export function cellResults(cellDir: string, { forgetting = true }: ResultFiles = {}): CellResults {
  const timeless = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(timeless);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([key]) => !/seconds|samplesPerSec|At$|started/i.test(key)).map(([key, v]) => [key, timeless(v)]));
  };
  const metrics = timeless(JSON.parse(readFileSync(join(cellDir, 'metrics.json'), 'utf8')));
  return forgetting ? { metrics, forgetting: readFileSync(join(cellDir, 'samples', 'forgetting.csv'), 'utf8') } : { metrics };
}

/**
 * Where two cells' results differ, one line each ([] when they agree): the per-sample record must
 * be the same text, the metrics the same keys and values, numbers within `relative`·max(1, |b|)
 * (0: equal).
 */
export function resultDifferences(a: CellResults, b: CellResults, relative = 0): string[] {
  const found: string[] = [];
  if (a.forgetting !== b.forgetting) found.push('samples/forgetting.csv differs');
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (typeof x === 'number' && typeof y === 'number') {
      if (!(Math.abs(x - y) <= relative * Math.max(1, Math.abs(y))) && !(Number.isNaN(x) && Number.isNaN(y))) found.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (typeof x !== typeof y || (x === null) !== (y === null) || Array.isArray(x) !== Array.isArray(y)) return void found.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    if (x === null || typeof x !== 'object') {
      if (x !== y) found.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
      return;
    }
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y as object)])].sort();
    for (const key of keys) walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], `${path}.${key}`);
  };
  walk(a.metrics, b.metrics, 'metrics');
  return found;
}

/**
 * Runs an app's smoke preset (with `options.args`) twice — its seed groups as ensembles, then every
 * cell alone (`--ensemble off`) — and lists what is wrong, [] when nothing is: a run that failed, a
 * first cell without its group's ensemble checkpoint, a cell whose results differ from alone (beyond
 * `relative`, 0: every number equal), or two cells with equal results (their seeds differ, so a
 * member would have copied another). `files`: what besides metrics.json a cell's results hold.
 */
export function ensembleProblems(options: SmokeRunOptions, relative = 0, files: ResultFiles = {}): string[] {
  const together = runSmoke(options);
  const alone = runSmoke({ ...options, args: [...(options.args ?? []), '--ensemble', 'off'] });
  const failed = [together, alone].filter((smoke) => smoke.run.status !== 0).map((smoke) => `${smoke.out} exited ${smoke.run.status}: ${smoke.run.stderr.split('\n').slice(-5).join(' | ')}`);
  if (failed.length > 0) return failed;
  const cells = readdirSync(join(together.out, 'cells')).sort();
  const results = (out: string, cell: string) => cellResults(join(out, 'cells', cell), files);
  const problems: string[] = [];
  if (!readdirSync(join(together.out, 'cells', cells[0]!, 'checkpoints')).some((name) => /^ensemble-[0-9a-f]{16}$/.test(name))) problems.push(`${cells[0]}: no ensemble checkpoint, so its seeds did not train together`);
  for (const cell of cells) problems.push(...resultDifferences(results(together.out, cell), results(alone.out, cell), relative).map((line) => `${cell}: ${line}`));
  if (cells.length > 1 && resultDifferences(results(together.out, cells[0]!), results(together.out, cells[1]!)).length === 0) problems.push(`${cells[0]} and ${cells[1]} have equal results although their seeds differ`);
  return problems;
}

/**
 * Starts a run (`node ...args`) as its own process group and SIGKILLs the whole group (runner and
 * cells) once an ensemble checkpoint — a folder holding `checkpoint.json` — exists under
 * `checkpoints`: a crash mid-group, for resume tests. The deadline is a hang guard, not a speed check.
 */
export async function killAtFirstGroupCheckpoint(args: readonly string[], checkpoints: string, env: NodeJS.ProcessEnv = process.env, deadlineMs = 300_000): Promise<void> {
  const runner = spawn(process.execPath, [...args], { env, stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => runner.once('exit', resolve));
  const checkpointed = () => existsSync(checkpoints) && readdirSync(checkpoints, { withFileTypes: true }).some((d) => d.isDirectory() && existsSync(join(checkpoints, d.name, 'checkpoint.json')));
  const deadline = Date.now() + deadlineMs;
  while (!checkpointed()) {
    if (Date.now() > deadline) {
      process.kill(-runner.pid!, 'SIGKILL');
      throw new Error(`no ensemble checkpoint under ${checkpoints} within ${deadlineMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(-runner.pid!, 'SIGKILL');
  await exited;
}
