import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
import { assertCellNames } from './cell-name.js';
import { DONE_FILE, FAILED_FILE } from './files.js';
import { trapInterrupts } from './interrupt.js';
import { startCell, type CellCommand, type CellExit, type RunningCell } from './run-cell.js';

export type SweepEvent =
  | { type: 'skip'; name: string }
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
}

export interface SweepResult {
  completed: string[];
  skipped: string[];
  failed: SweepFailure[];
  /** True when SIGINT/SIGTERM stopped the sweep; a CLI should then exit with 130. */
  interrupted: boolean;
  /** Cells neither finished nor failed: a rerun continues them. */
  incomplete: string[];
  seconds: number;
}

/**
 * Runs every cell without a `done.json` as a child process, at most `workers` at a time. A cell
 * is (re)started from scratch as far as the runner knows; resuming from its own checkpoint in the
 * cell directory is the cell's job. Exit 0 means finished (`done.json` is written unless the cell
 * wrote it first, which also counts as finished); anything else is a failure (`failed.json`), and
 * the other cells carry on.
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

  const pending: { name: string; cellDir: string; spec: CellCommand }[] = [];
  for (const cell of cells) {
    const cellDir = join(resolve(dir), cell.name);
    if (existsSync(join(cellDir, DONE_FILE))) {
      result.skipped.push(cell.name);
      onEvent({ type: 'skip', name: cell.name });
      continue;
    }
    mkdirSync(cellDir, { recursive: true });
    pending.push({ name: cell.name, cellDir, spec: command(cell, cellDir) });
  }

  const running = new Map<string, RunningCell>();
  const trap = trapInterrupts(running, killAfterMs);
  const settle = (name: string, cellDir: string, exit: CellExit) => {
    const cellWroteDone = existsSync(join(cellDir, DONE_FILE));
    // Stopped by us: its exit code says nothing about whether it finished.
    if (trap.signal !== undefined && !cellWroteDone) return;
    const finishedAt = new Date().toISOString();
    if (cellWroteDone || exit.code === 0) {
      if (!cellWroteDone) writeJson(join(cellDir, DONE_FILE), { exitCode: 0, seconds: exit.seconds, finishedAt });
      result.completed.push(name);
      onEvent({ type: 'done', name, seconds: exit.seconds });
      return;
    }
    const { code, signal, seconds, stderrTail } = exit;
    writeJson(join(cellDir, FAILED_FILE), { exitCode: code, signal, seconds, finishedAt, stderrTail });
    result.failed.push({ name, code, signal, stderrTail });
    onEvent({ type: 'fail', name, code, signal, stderrTail });
  };

  const worker = async () => {
    for (let next = pending.shift(); next !== undefined && trap.signal === undefined; next = pending.shift()) {
      const { name, cellDir, spec } = next;
      rmSync(join(cellDir, FAILED_FILE), { force: true }); // a retry makes an earlier failure stale
      const cell = startCell(name, cellDir, spec, (message) => onEvent({ type: 'progress', name, message }));
      running.set(name, cell);
      onEvent({ type: 'start', name, cellDir, pid: cell.pid });
      const exit = await cell.exited;
      running.delete(name);
      settle(name, cellDir, exit);
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
