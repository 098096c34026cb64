import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orphansGone } from './run-results.js';

/* The training app run to its end, or killed (or failed) inside a write window by fixtures/write-fault.mjs. */

export const TRAINING_APP = fileURLToPath(new URL('./fixtures/training-experiment.ts', import.meta.url));
const hook = new URL('./fixtures/write-fault.mjs', import.meta.url).href;

export interface AppRun {
  runs: string;
  /** The app's script (default: the training fixture). */
  app?: string;
  /** Node options before the script (after --conditions=source --import tsx). */
  nodeArgs?: readonly string[];
  /** The app's options after --runs-dir. */
  options?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** Where a fault lands: before the `nth` write on a path containing `path`, in the runner or a cell. */
export interface WriteFault {
  role: 'runner' | 'cell';
  /** Part of the path written, e.g. 'identity.json'. */
  path: string;
  nth: number;
  /** A kill, or the error a full, read-only or forbidden disk gives (that write and every later one on such a path). */
  fault: 'SIGKILL' | 'SIGTERM' | 'ENOSPC' | 'EROFS' | 'EACCES';
}

export const runDir = (runs: string) => join(runs, 'training', 'smoke');

const command = ({ runs, app = TRAINING_APP, nodeArgs = [], options = [] }: AppRun, hookArgs: readonly string[] = []) => [
  '--conditions=source',
  '--import',
  'tsx',
  ...nodeArgs,
  ...hookArgs,
  app,
  '--config',
  'smoke',
  '--runs-dir',
  runs,
  ...options,
];

/** Runs the app to its end. */
export const runToEnd = (run: AppRun) => spawnSync(process.execPath, command(run), { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...run.env } });

/**
 * Runs the app with the fault hook; resolves once it and its cells are gone, with where the fault
 * landed ('<role> <operation> <path>'), or without `landed` when the run ended before reaching it.
 */
export async function runWithFault(run: AppRun, point: WriteFault): Promise<{ landed?: string; code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const reportDir = mkdtempSync(join(tmpdir(), 'mgdl-fault-report-'));
  const report = join(reportDir, 'landed');
  const runner = spawn(process.execPath, command(run, ['--import', hook]), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...run.env, WRITE_FAULT: JSON.stringify({ ...point, report }) },
  });
  let output = '';
  runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  runner.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => runner.on('close', (c, s) => resolve([c, s])));
  await orphansGone(run.runs);
  const landed = existsSync(report) ? readFileSync(report, 'utf8').trim() : undefined;
  rmSync(reportDir, { recursive: true, force: true });
  return { ...(landed ? { landed } : {}), code, signal, output };
}
