import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
