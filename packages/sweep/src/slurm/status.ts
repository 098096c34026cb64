import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { doneProblem } from '../certify.js';
import { FAILED_FILE, IDENTITY_FILE } from '../files.js';
import { latestTasks } from './jobs.js';
import { PREEMPTED, SLURM_EXIT_FILE } from './script.js';
import { queuedTasks } from './submit.js';

/** `finished`: its task exited 0 and it is certified done by the next submission or wait poll. */
export type CellState = 'done' | 'finished' | 'pending' | 'running' | 'preempted' | 'failed' | 'not submitted';

export interface CellStatus {
  name: string;
  state: CellState;
  /** `<job>_<task>` of its latest submission. */
  task?: string;
  /** For a failed cell: the last lines of its stderr. */
  stderrTail?: string[];
}

/** Each cell's state, from its directory under `dir`, the jobs recorded in `slurmDir`, and what squeue still holds. */
export function slurmStatus(dir: string, slurmDir: string, names: readonly string[]): CellStatus[] {
  const tasks = latestTasks(slurmDir);
  const queued = queuedTasks([...tasks.values()].map((task) => task.split('_')[0]!));
  return names.map((name) => {
    const cellDir = join(resolve(dir), name);
    const task = tasks.get(name);
    const base = { name, ...(task ? { task } : {}) };
    const fingerprint = existsSync(join(cellDir, IDENTITY_FILE)) ? (JSON.parse(readFileSync(join(cellDir, IDENTITY_FILE), 'utf8')) as { fingerprint: string }).fingerprint : null;
    if (doneProblem(cellDir, fingerprint) === undefined) return { ...base, state: 'done' };
    const inQueue = task ? queued.get(task) : undefined;
    if (inQueue) return { ...base, state: inQueue === 'RUNNING' || inQueue === 'COMPLETING' ? 'running' : 'pending' };
    const exitFile = join(cellDir, SLURM_EXIT_FILE);
    const exit = existsSync(exitFile) ? (JSON.parse(readFileSync(exitFile, 'utf8')) as { code: number }) : undefined;
    if (exit?.code === PREEMPTED) return { ...base, state: 'preempted' };
    if (exit?.code === 0 && !existsSync(join(cellDir, FAILED_FILE))) return { ...base, state: 'finished' };
    if (existsSync(join(cellDir, FAILED_FILE)) || (exit && exit.code !== 0)) {
      const failed = existsSync(join(cellDir, FAILED_FILE)) ? (JSON.parse(readFileSync(join(cellDir, FAILED_FILE), 'utf8')) as { stderrTail?: string[] }) : {};
      return { ...base, state: 'failed', stderrTail: failed.stderrTail ?? [] };
    }
    return { ...base, state: task ? 'failed' : 'not submitted', ...(task ? { stderrTail: ['the task left the queue without finishing (cancelled, or its node failed)'] } : {}) };
  });
}
