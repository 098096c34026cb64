import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFiles, writeFileAtomic } from '@mgdl/io';
import { doneProblem, writeDone } from '../certify.js';
import { FAILED_FILE } from '../files.js';
import { groupPending, type CellGroups } from '../group.js';
import { planSweep, type PlanOptions } from '../plan.js';
import { latestTasks, recordJob } from './jobs.js';
import { SlurmConfigError, type SlurmOptions } from './options.js';
import { SLURM_EXIT_FILE, slurmScript } from './script.js';

export interface SlurmSubmitOptions<C extends { name: string }> extends PlanOptions<C> {
  options: SlurmOptions;
  jobName: string;
  /** Where the scripts, sbatch's own output and jobs.json go (outside `dir`, whose folders are cells). */
  slurmDir: string;
  /** Print the script instead of submitting it. */
  dryRun?: boolean;
  /** Checks a finished cell before it is certified done (as the local pool's `verify`). */
  verify?: (cellDir: string) => void;
  /** The working directory the cell commands expect (default: ours). */
  cwd?: string;
  /** Cells trained together: one array task per group (see CellGroups). */
  together?: CellGroups<C>;
}

export interface SlurmSubmission {
  /** The array job just submitted; undefined when nothing needed submitting (or a dry run). */
  jobId?: string;
  script?: string;
  /** The cells submitted now, in array-task order. */
  submitted: string[];
  /** The array tasks submitted now, by their cell or group label (`first+N more`). */
  tasks: string[];
  /** Certified done, now or before. */
  done: string[];
  /** Already queued or running in an earlier job: not submitted again. */
  queued: string[];
  /** Finished with an error, now recorded in failed.json (a new submission retries them). */
  failed: string[];
}

/** Runs a Slurm command; throws saying what to install or check when it cannot. */
export function slurmCommand(command: string, args: readonly string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.error) throw new SlurmConfigError(`${command} could not run (${(run.error as NodeJS.ErrnoException).code ?? run.error.message}): is Slurm installed and on PATH on this (login) node?`);
  if (run.status !== 0) throw new SlurmConfigError(`${command} ${args.join(' ')} failed (exit ${run.status}): ${run.stderr.trim() || run.stdout.trim()}`);
  return run.stdout;
}

/** Array tasks Slurm still has (pending or running), as `<job>_<task>` → state. */
export function queuedTasks(jobIds: readonly string[]): Map<string, string> {
  const states = new Map<string, string>();
  for (const id of new Set(jobIds)) {
    // A finished job is no longer known to squeue (no accounting database here): that is not an error.
    const run = spawnSync('squeue', ['-h', '-r', '-j', id, '-o', '%i %T'], { encoding: 'utf8' });
    if (run.error) throw new SlurmConfigError(`squeue could not run (${run.error.message}): is Slurm installed and on PATH?`);
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const [task, state] = line.trim().split(/\s+/);
      if (task && state) states.set(task, state);
    }
  }
  return states;
}

/**
 * Certifies the cells whose array task exited 0 (verify, then done.json) and records the ones that
 * failed (failed.json with their stderr tail), so a rerun or `status` sees the same states the local
 * pool would have written.
 */
export function collectFinishedTasks(cells: readonly { name: string; cellDir: string; fingerprint: string | null }[], verify?: (cellDir: string) => void): { done: string[]; failed: string[] } {
  const result = { done: [] as string[], failed: [] as string[] };
  for (const { name, cellDir, fingerprint } of cells) {
    const exitFile = join(cellDir, SLURM_EXIT_FILE);
    if (!existsSync(exitFile) || doneProblem(cellDir, fingerprint) === undefined) continue;
    const exit = JSON.parse(readFileSync(exitFile, 'utf8')) as { code: number; task: string; finishedAt: string };
    let problem: string | undefined;
    if (exit.code === 0) {
      try {
        verify?.(cellDir);
      } catch (error) {
        problem = `exited 0 but its result is incomplete: ${(error as Error).message}`;
      }
      if (problem === undefined) {
        writeDone(cellDir, { fingerprint, exitCode: 0, seconds: 0, finishedAt: exit.finishedAt });
        result.done.push(name);
        continue;
      }
    }
    const stderrLog = runFiles(cellDir).stderr;
    const stderrTail = existsSync(stderrLog) ? readFileSync(stderrLog, 'utf8').split('\n').filter(Boolean).slice(-40) : [];
    writeFileAtomic(join(cellDir, FAILED_FILE), `${JSON.stringify({ exitCode: exit.code, signal: null, task: exit.task, finishedAt: exit.finishedAt, stderrTail: problem ? [...stderrTail, problem] : stderrTail }, null, 2)}\n`);
    result.failed.push(name);
  }
  return result;
}

/**
 * Submits one array job for the cells of a sweep that are neither done nor already queued; the
 * same plan (fingerprints, done.json) as the local pool, so either executor can continue the other.
 */
export function submitToSlurm<C extends { name: string }>(input: SlurmSubmitOptions<C>): SlurmSubmission {
  const { slurmDir, options, jobName, dryRun = false, verify, cwd = process.cwd(), together } = input;
  if (!dryRun) slurmCommand('sbatch', ['--version']);
  const plan = planSweep(input);
  const latest = latestTasks(slurmDir);
  const finished = collectFinishedTasks(plan.pending, verify);
  const queued = dryRun ? new Map<string, string>() : queuedTasks([...latest.values()].map((task) => task.split('_')[0]!));
  const isQueued = (name: string) => latest.has(name) && queued.has(latest.get(name)!);
  const toSubmit = plan.pending.filter((cell) => !finished.done.includes(cell.name) && !isQueued(cell.name));
  const submission: SlurmSubmission = {
    submitted: [],
    tasks: [],
    done: [...plan.done, ...finished.done],
    queued: plan.pending.filter((cell) => isQueued(cell.name)).map((cell) => cell.name),
    failed: finished.failed,
  };
  if (toSubmit.length === 0) return submission;
  const tasks = groupPending(toSubmit, input.cells, together);
  const script = slurmScript({ jobName, tasks, options, logDir: slurmDir, cwd });
  if (dryRun) return { ...submission, script };
  const path = join(slurmDir, `${jobName}-${new Date().toISOString().replace(/[:.]/g, '-')}.sbatch`);
  mkdirSync(slurmDir, { recursive: true });
  writeFileAtomic(path, script);
  const jobId = slurmCommand('sbatch', ['--parsable', path]).trim().split(';')[0]!;
  const cells = tasks.flatMap((task) => task.members.map((cell) => cell.name));
  const grouped = tasks.some((task) => task.members.length > 1);
  recordJob(slurmDir, { jobId, script: path, submittedAt: new Date().toISOString(), cells, ...(grouped ? { tasks: tasks.map((task) => task.members.map((cell) => cell.name)) } : {}) });
  return { ...submission, jobId, script, submitted: cells, tasks: tasks.map((task) => task.label) };
}
