import { setTimeout as sleep } from 'node:timers/promises';
import { slurmStatus, submitToSlurm, type CellCommand, type CellGroups, type SlurmOptions, type SweepCell } from '@mgdl/sweep';

/** How the app runs a stage's cells on Slurm: submit, and with `wait`, follow until they end. */
export interface SlurmRun {
  options: SlurmOptions;
  dryRun: boolean;
  wait: boolean;
  /** Seconds between queue polls while waiting (default 15). */
  pollSeconds?: number;
}

export interface SlurmStageInput {
  jobName: string;
  cells: readonly SweepCell[];
  dir: string;
  /** The stage's Slurm folder: scripts, sbatch output, jobs.json. */
  slurmDir: string;
  command: (cell: SweepCell, cellDir: string) => CellCommand;
  identity: (cell: SweepCell) => unknown;
  fresh: boolean;
  verify: (cellDir: string) => void;
  log: (line: string) => void;
  /** Cells trained together (a grid's seeds as one ensemble): one array task per group. */
  together?: CellGroups<SweepCell>;
}

/** What the stage came to: every cell done, some failed, still queued (not waiting), or a dry run. */
export type SlurmStageOutcome = { kind: 'done' } | { kind: 'failed'; cells: string[] } | { kind: 'queued'; jobId?: string } | { kind: 'dry-run' };

/**
 * Submits the stage's cells that are neither done nor queued as one array job (printing the script
 * instead on a dry run). Without `wait`, returns once submitted; with it, polls squeue and the cell
 * directories, resubmits preempted cells, and returns when every cell is done or one failed.
 */
export async function runStageOnSlurm(input: SlurmStageInput, run: SlurmRun): Promise<SlurmStageOutcome> {
  const { log } = input;
  const submit = () => submitToSlurm({ cells: input.cells, dir: input.dir, slurmDir: input.slurmDir, command: input.command, identity: input.identity, fresh: input.fresh, options: run.options, jobName: input.jobName, dryRun: run.dryRun, verify: input.verify, ...(input.together ? { together: input.together } : {}) });
  let submission = submit();
  if (run.dryRun) {
    if (submission.script) process.stdout.write(submission.script);
    else log('dry run: every cell is done or queued; nothing to submit');
    return { kind: 'dry-run' };
  }
  const report = () => {
    if (submission.jobId) log(`slurm: submitted job ${submission.jobId} with ${submission.tasks.length} array task(s): ${submission.tasks.join(', ')}`);
    if (submission.queued.length) log(`slurm: ${submission.queued.length} cell(s) already queued: ${submission.queued.join(', ')}`);
    if (submission.failed.length) log(`slurm: ${submission.failed.length} cell(s) failed and were resubmitted: ${submission.failed.join(', ')}`);
  };
  report();
  const names = input.cells.map((cell) => cell.name);
  if (submission.done.length === names.length) return { kind: 'done' };
  if (!run.wait) {
    log(`slurm: ${submission.done.length}/${names.length} done; follow with --status, or run the same command again with --wait (it submits only what is not done) to conclude`);
    return { kind: 'queued', ...(submission.jobId ? { jobId: submission.jobId } : {}) };
  }
  for (;;) {
    await sleep((run.pollSeconds ?? (Number(process.env['MGDL_SLURM_POLL_SECONDS']) || 15)) * 1000);
    const states = slurmStatus(input.dir, input.slurmDir, names);
    const count = (state: string) => states.filter((s) => s.state === state).length;
    log(`slurm: ${count('done') + count('finished')}/${names.length} done, ${count('running')} running, ${count('pending')} pending${count('preempted') ? `, ${count('preempted')} preempted` : ''}${count('failed') ? `, ${count('failed')} failed` : ''}`);
    if (states.some((s) => s.state === 'running' || s.state === 'pending')) continue;
    // Nothing left in the queue: certify what finished, resubmit what was preempted, stop on a failure.
    submission = submit();
    const failed = slurmStatus(input.dir, input.slurmDir, names).filter((s) => s.state === 'failed');
    if (submission.done.length === names.length) return { kind: 'done' };
    if (failed.length > 0 && !submission.jobId) return { kind: 'failed', cells: failed.map((s) => s.name) };
    report();
  }
}
