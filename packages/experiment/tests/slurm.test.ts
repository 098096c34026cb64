import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from './fixtures/slurm-cluster.js';

// The training app (a real kernel run per cell) on a real single-node Slurm cluster.
const app = fileURLToPath(new URL('./fixtures/training-experiment.ts', import.meta.url));
let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

const runAppWith = (env: NodeJS.ProcessEnv, runs: string, ...extra: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', app, '--config', 'smoke', '--runs-dir', runs, '--set', 'epochs=4', ...extra], {
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, ...cluster.env, MGDL_SLURM_POLL_SECONDS: '1', ...env },
  });
const runApp = (runs: string, ...extra: string[]) => runAppWith({}, runs, ...extra);
const slurm = (command: string, ...args: string[]) => spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...cluster.env } });
const out = (runs: string) => join(runs, 'training', 'smoke');

/** Every cell's metrics and the verdict, without wall-clock fields. */
function results(runs: string): Record<string, unknown> {
  const timeless = (path: string) => JSON.parse(readFileSync(path, 'utf8'), (key, value: unknown) => (['seconds', 'samplesPerSec'].includes(key) ? undefined : value)) as unknown;
  const cells = join(out(runs), 'cells');
  return { verdict: timeless(join(out(runs), 'verdict.json')), ...Object.fromEntries(readdirSync(cells).sort().map((cell) => [cell, timeless(join(cells, cell, 'metrics.json'))])) };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 6000) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
const queued = () => slurm('squeue', '-h', '-r', '-o', '%i %T').stdout.trim();

describe('the Slurm executor', () => {
  let local: Record<string, unknown>;
  beforeAll(() => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-local-'));
    const run = runApp(runs);
    expect(run.status, run.stderr).toBe(0);
    local = results(runs);
  });

  it('runs a sweep as one array job and concludes with the local run\'s numbers', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-'));
    const run = runApp(runs, '--executor', 'slurm', '--slurm', 'mem=1G', '--slurm', 'throttle=2', '--wait');
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const jobLine = /slurm: submitted job (\d+) with 2 array task\(s\): seed=0, seed=1/.exec(run.stdout);
    expect(jobLine, run.stdout).not.toBeNull();
    console.log(`slurm array job ${jobLine![1]}: ${run.stdout.split('\n').filter((l) => l.includes('slurm:')).join(' / ')}`);
    expect(run.stdout).toMatch(/verdict: the claim held/);
    expect(results(runs)).toEqual(local);
    const jobs = JSON.parse(readFileSync(join(out(runs), 'slurm', 'jobs.json'), 'utf8')) as { jobId: string; cells: string[] }[];
    expect(jobs).toEqual([expect.objectContaining({ jobId: jobLine![1], cells: ['seed=0', 'seed=1'] })]);
    const status = runApp(runs, '--executor', 'slurm', '--status');
    expect(status.stdout).toMatch(new RegExp(`seed=0\\s+done\\s+${jobLine![1]}_0`));
  });

  it('runs cells trained together (a grid\'s seeds) as one array task, each cell ending as it does alone', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-together-'));
    const run = runAppWith({ MGDL_TEST_TOGETHER: '1' }, runs, '--executor', 'slurm', '--slurm', 'mem=1G', '--wait');
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const jobLine = /slurm: submitted job (\d+) with 1 array task\(s\): seed=0\+1 more\n/.exec(run.stdout);
    expect(jobLine, run.stdout).not.toBeNull();
    expect(results(runs)).toEqual(local);
    const jobs = JSON.parse(readFileSync(join(out(runs), 'slurm', 'jobs.json'), 'utf8')) as { jobId: string; cells: string[]; tasks: string[][] }[];
    expect(jobs).toEqual([expect.objectContaining({ jobId: jobLine![1], cells: ['seed=0', 'seed=1'], tasks: [['seed=0', 'seed=1']] })]);
    // Both cells are the one task's, and each has the group's output in its own logs.
    const status = runApp(runs, '--executor', 'slurm', '--status');
    for (const cell of ['seed=0', 'seed=1']) {
      expect(status.stdout).toMatch(new RegExp(`${cell}\\s+done\\s+${jobLine![1]}_0`));
      expect(JSON.parse(readFileSync(join(out(runs), 'cells', cell, 'slurm-exit.json'), 'utf8'))).toMatchObject({ code: 0, task: `${jobLine![1]}_0` });
    }
    expect(readFileSync(join(out(runs), 'cells', 'seed=1', 'stdout.log'), 'utf8')).toBe(readFileSync(join(out(runs), 'cells', 'seed=0', 'stdout.log'), 'utf8'));
  });

  it('after scancel of one array task, a rerun submits only that cell and ends identical', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-cancel-'));
    const submit = runApp(runs, '--executor', 'slurm', '--slurm', 'mem=1G', '--slurm', 'throttle=1');
    expect(submit.status, submit.stderr).toBe(0);
    const job = /submitted job (\d+)/.exec(submit.stdout)![1]!;
    // Throttled to one task at a time: the second waits in the queue, and is cancelled there.
    expect(slurm('scancel', `${job}_1`).status).toBe(0);
    await until(() => queued() === '', 'the array job to leave the queue');
    const status = runApp(runs, '--executor', 'slurm', '--status');
    expect(status.stdout).toMatch(/seed=1\s+failed\s+/);
    const rerun = runApp(runs, '--executor', 'slurm', '--slurm', 'mem=1G', '--wait');
    expect(rerun.status, rerun.stderr + rerun.stdout).toBe(0);
    expect(rerun.stdout).toMatch(/submitted job \d+ with 1 array task\(s\): seed=1\n/);
    expect(results(runs)).toEqual(local);
  });

  it('a task warned with USR1 checkpoints and exits; a rerun resumes it to identical metrics', async () => {
    // One longer cell, so that the warning comes while it trains.
    const longer = ['--set', 'seeds=[0]', '--set', 'epochs=60'];
    const reference = mkdtempSync(join(tmpdir(), 'mgdl-slurm-usr1-local-'));
    expect(runApp(reference, ...longer).status).toBe(0);
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-usr1-'));
    const submit = runApp(runs, ...longer, '--executor', 'slurm', '--slurm', 'mem=1G');
    const job = /submitted job (\d+)/.exec(submit.stdout)![1]!;
    const cell = join(out(runs), 'cells', 'seed=0');
    await until(() => existsSync(join(cell, 'checkpoints', 'checkpoint.json')), 'the first checkpoint');
    expect(slurm('scancel', '--signal=USR1', '--batch', `${job}_0`).status).toBe(0);
    await until(() => existsSync(join(cell, 'slurm-exit.json')), 'the task to exit');
    expect(JSON.parse(readFileSync(join(cell, 'slurm-exit.json'), 'utf8'))).toMatchObject({ code: 75 });
    expect(readFileSync(join(cell, 'stderr.log'), 'utf8')).toMatch(/interrupted at epoch \d+, batch \d+, after step \d+; the checkpoint in .* continues it/);
    await until(() => queued() === '', 'the array job to leave the queue');
    expect(runApp(runs, '--executor', 'slurm', '--status').stdout).toMatch(/seed=0\s+preempted/);
    const rerun = runApp(runs, ...longer, '--executor', 'slurm', '--slurm', 'mem=1G', '--wait');
    expect(rerun.status, rerun.stderr + rerun.stdout).toBe(0);
    expect(rerun.stdout).toMatch(/submitted job \d+ with 1 array task\(s\): seed=0\n/);
    expect(results(runs)).toEqual(results(reference));
  });

  it('prints the array-job script on --dry-run and submits nothing', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-dry-'));
    const run = runApp(runs, '--executor', 'slurm', '--slurm', 'partition=debug', '--slurm', 'time=1:00:00', '--slurm', 'cpusPerTask=2', '--slurm', 'extra=--constraint=avx512', '--dry-run');
    expect(run.status, run.stderr).toBe(0);
    for (const line of ['#SBATCH --job-name=training-smoke', '#SBATCH --array=0-1', '#SBATCH --cpus-per-task=2', '#SBATCH --time=1:00:00', '#SBATCH --partition=debug', '#SBATCH --signal=B:USR1@120', '#SBATCH --requeue', '#SBATCH --constraint=avx512']) {
      expect(run.stdout).toContain(line);
    }
    expect(run.stdout).toContain("MGDL_THREADS='2'");
    expect(run.stdout).toMatch(/cannot see its cell directory .*: run directories must be on a file system every node shares/);
    expect(existsSync(join(out(runs), 'slurm'))).toBe(false);
  });

  it('refuses bad executor settings before anything is submitted', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-slurm-bad-'));
    const unknown = runApp(runs, '--executor', 'slurm', '--slurm', 'partion=debug');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("slurm executor: unknown field 'partion'");
    const mem = runApp(runs, '--executor', 'slurm', '--slurm', 'mem=lots');
    expect(mem.status).toBe(2);
    expect(mem.stderr).toContain('mem must be a number with an optional K, M, G or T suffix (e.g. 4G), got "lots"');
    const missing = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', app, '--config', 'smoke', '--runs-dir', runs, '--executor', 'slurm'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...cluster.env, PATH: '/nonexistent' } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/sbatch could not run \(ENOENT\): is Slurm installed and on PATH/);
    expect(existsSync(join(out(runs), 'slurm'))).toBe(false);
  });
});
