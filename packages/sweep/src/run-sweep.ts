import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
import { assertCellNames } from './cell-name.js';
import { writeDone } from './certify.js';
import { FAILED_FILE } from './files.js';
import { groupPending, type CellGroups } from './group.js';
import { planSweep } from './plan.js';
import { trapInterrupts } from './interrupt.js';
import { startCell, type CellCommand, type CellExit, type RunningCell } from './run-cell.js';

export type SweepEvent =
  | { type: 'skip'; name: string }
  | { type: 'recheck'; name: string; reason: string }
  | { type: 'start'; name: string; cellDir: string; pid: number | undefined }
  | { type: 'progress'; name: string; message: string }
  | { type: 'done'; name: string; seconds: number }
  | ({ type: 'fail' } & SweepFailure);

export interface SweepFailure {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of the cell's stderr (all of it is in `stderr.log` in the cell directory). */
  stderrTail: string[];
}

export interface SweepOptions<C extends { name: string }> {
  cells: readonly C[];
  /** Each cell runs in, and keeps its state under, `dir/<cell name>`. */
  dir: string;
  /**
   * Cells run at once. The default is one per core, meant for single-threaded cells (have `command`
   * set e.g. `MGDL_THREADS=1`): a probe measured 1.6–1.9× the throughput of one two-thread process.
   */
  workers?: number;
  /**
   * Called for each pending cell before any starts, so a bad config fails the sweep up front.
   * `cellDir` is absolute; the child inherits our working directory, so relative paths in configs hold.
   */
  command: (cell: C, cellDir: string) => CellCommand;
  onEvent?: (event: SweepEvent) => void;
  /** After SIGINT/SIGTERM, how long running cells get to exit before SIGKILL. */
  killAfterMs?: number;
  /**
   * What identifies a cell's result (its fully resolved config and the code version): a cell
   * directory is reused or resumed only for the same fingerprint of it. Without it, cells are not
   * fingerprinted.
   */
  identity?: (cell: C) => unknown;
  /** Delete the directories of cells made by another identity instead of stopping with an error. */
  fresh?: boolean;
  /** Checks a cell that exited 0 (throws saying what is incomplete); only then is it certified done. */
  verify?: (cellDir: string) => void;
  /** Cells trained together in one process (see CellGroups). */
  together?: CellGroups<C>;
}

export interface SweepResult {
  completed: string[];
  skipped: string[];
  failed: SweepFailure[];
  /** True when SIGINT/SIGTERM stopped the sweep; a CLI should then exit with 130 or 143 (`signal`). */
  interrupted: boolean;
  signal?: 'SIGINT' | 'SIGTERM';
  /** Cells neither finished nor failed: a rerun continues them. */
  incomplete: string[];
  seconds: number;
}

/**
 * Runs every cell that is not certified done as a child process, at most `workers` at a time. A
 * cell is done when its `done.json` certifies its result files, unchanged, for the cell's
 * fingerprint; a cell directory made by another identity stops the sweep before anything starts
 * (a CellIdentityError), unless `fresh` deletes it. Resuming from its own checkpoint in the cell
 * directory is the cell's job. Exit 0 and a passing `verify` mean finished (the runner writes
 * `done.json`, last); anything else is a failure (`failed.json`), and the other cells carry on.
 *
 * During the call, SIGINT/SIGTERM stop the running cells instead of the process (see
 * `trapInterrupts`); cells stopped that way are never marked done, whatever their exit code.
 */
export async function runSweep<C extends { name: string }>(options: SweepOptions<C>): Promise<SweepResult> {
  const { cells, dir, workers = availableParallelism(), command, onEvent = () => {}, killAfterMs = 10_000 } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`sweep: workers must be a positive integer, got ${workers}`);
  assertCellNames(cells.map((cell) => cell.name));
  const started = performance.now();
  const result: SweepResult = { completed: [], skipped: [], failed: [], interrupted: false, incomplete: [], seconds: 0 };

  const plan = planSweep({ cells, dir, command, ...(options.identity ? { identity: options.identity } : {}), fresh: options.fresh ?? false });
  for (const name of plan.done) {
    result.skipped.push(name);
    onEvent({ type: 'skip', name });
  }
  for (const { name, reason } of plan.rechecked) onEvent({ type: 'recheck', name, reason });
  const pending = groupPending(plan.pending, cells, options.together);

  const verifyResult = (cellDir: string): string | undefined => {
    try {
      options.verify?.(cellDir);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  const running = new Map<string, RunningCell>();
  const trap = trapInterrupts(running, killAfterMs);
  const settle = (name: string, cellDir: string, fingerprint: string | null, exit: CellExit) => {
    // Stopped by us: its exit code says nothing about whether it finished.
    if (trap.signal !== undefined) return;
    const finishedAt = new Date().toISOString();
    const incomplete = exit.code === 0 ? verifyResult(cellDir) : undefined;
    if (exit.code === 0 && incomplete === undefined) {
      writeDone(cellDir, { fingerprint, exitCode: 0, seconds: exit.seconds, finishedAt });
      result.completed.push(name);
      onEvent({ type: 'done', name, seconds: exit.seconds });
      return;
    }
    const { code, signal, seconds } = exit;
    const stderrTail = incomplete === undefined ? exit.stderrTail : [...exit.stderrTail, `exited 0 but its result is incomplete: ${incomplete}`];
    writeJson(join(cellDir, FAILED_FILE), { exitCode: code, signal, seconds, finishedAt, stderrTail });
    result.failed.push({ name, code, signal, stderrTail });
    onEvent({ type: 'fail', name, code, signal, stderrTail });
  };

  const worker = async () => {
    for (let job = pending.shift(); job !== undefined && trap.signal === undefined; job = pending.shift()) {
      const { label, members, command: spec } = job;
      for (const { cellDir } of members) rmSync(join(cellDir, FAILED_FILE), { force: true }); // a retry makes an earlier failure stale
      const child = startCell(label, members.map((member) => member.cellDir), spec, (message) => onEvent({ type: 'progress', name: label, message }));
      running.set(label, child);
      for (const { name, cellDir } of members) onEvent({ type: 'start', name, cellDir, pid: child.pid });
      const exit = await child.exited;
      running.delete(label);
      for (const { name, cellDir, fingerprint } of members) settle(name, cellDir, fingerprint, exit);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, pending.length) }, worker));
  } finally {
    trap.dispose();
  }

  const finished = new Set([...result.completed, ...result.skipped, ...result.failed.map((f) => f.name)]);
  result.incomplete = cells.map((cell) => cell.name).filter((name) => !finished.has(name));
  result.interrupted = trap.signal !== undefined;
  if (trap.signal === 'SIGINT' || trap.signal === 'SIGTERM') result.signal = trap.signal;
  result.seconds = (performance.now() - started) / 1000;
  if (result.interrupted) {
    process.stderr.write(
      `sweep: interrupted; ${result.incomplete.length} of ${cells.length} cell(s) incomplete: ${result.incomplete.join(', ')}\n` +
        'sweep: rerun the same sweep to continue: finished cells are skipped, the others resume from their checkpoints\n',
    );
  }
  return result;
}

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
