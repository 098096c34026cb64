import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';

/** jobs.json in a sweep's Slurm folder: every array job submitted for it, newest last. */
export interface SubmittedJob {
  jobId: string;
  script: string;
  submittedAt: string;
  /** Every cell the job ran, in array-task order. */
  cells: string[];
  /** Task i ran tasks[i]: one cell, or a group trained together. Absent in jobs of one cell per task (task i ran cells[i]). */
  tasks?: string[][];
}

const jobsFile = (slurmDir: string) => join(slurmDir, 'jobs.json');

export function readJobs(slurmDir: string): SubmittedJob[] {
  if (!existsSync(jobsFile(slurmDir))) return [];
  try {
    return JSON.parse(readFileSync(jobsFile(slurmDir), 'utf8')) as SubmittedJob[];
  } catch (error) {
    throw new Error(`${jobsFile(slurmDir)}: not readable JSON (${(error as Error).message}); it lists the submitted jobs`, { cause: error });
  }
}

export function recordJob(slurmDir: string, job: SubmittedJob): void {
  mkdirSync(slurmDir, { recursive: true });
  writeFileAtomic(jobsFile(slurmDir), `${JSON.stringify([...readJobs(slurmDir), job], null, 2)}\n`);
}

/** The latest array task each cell was submitted as: cell name → `<job>_<task>`. */
export function latestTasks(slurmDir: string): Map<string, string> {
  const tasks = new Map<string, string>();
  for (const job of readJobs(slurmDir)) (job.tasks ?? job.cells.map((name) => [name])).forEach((names, i) => names.forEach((name) => tasks.set(name, `${job.jobId}_${i}`)));
  return tasks;
}
