import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describeWriteFailure } from '@mgdl/io';
import { PROGRESS_MARKER, STDERR_LOG, STDOUT_LOG } from './files.js';
import { PARENT_PID_VARIABLE } from './watchdog.js';

/** How a cell is started: `file` is executed directly (no shell) with `args`, `env` added to ours. */
export interface CellCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

export interface CellExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  stderrTail: string[];
}

export interface RunningCell {
  readonly pid: number | undefined;
  /** Signals the cell's whole process group, so helpers it started stop with it. */
  kill(signal: NodeJS.Signals): void;
  /** Settles once the cell has exited and its logs are flushed; never rejects. */
  readonly exited: Promise<CellExit>;
}

const STDERR_TAIL_LINES = 40;

/**
 * Starts one cell. It gets its own process group (`detached`), so a terminal's Ctrl-C reaches only
 * the runner, which then stops cells in order (SIGTERM, grace period, SIGKILL). The price is that a
 * cell no longer dies with the terminal, hence the stdin contract: stdin is a pipe that never
 * carries data and reaches EOF when the runner dies, however it dies; a cell should exit on EOF.
 */
export function startCell(name: string, cellDirs: string | readonly string[], command: CellCommand, onProgress: (message: string) => void): RunningCell {
  const started = performance.now();
  const child = spawn(command.file, command.args, {
    env: { ...process.env, ...command.env, MGDL_SWEEP_CELL: name, [PARENT_PID_VARIABLE]: String(process.pid) },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const stderrTail: string[] = [];
  let closed = false;
  // A log that cannot be written (a full disk, a folder made read-only) stops the cell, named, instead of crashing the runner.
  const log = (cellDir: string, file: string) =>
    createWriteStream(join(cellDir, file), { flags: 'a' }).on('error', (error: NodeJS.ErrnoException) => {
      stderrTail.push(`${describeWriteFailure(join(cellDir, file), error)}; the cell was stopped and resumes from its checkpoint on a rerun`);
      if (!closed && child.pid !== undefined) killGroup(child.pid, 'SIGTERM');
    });
  // Cells trained in one process (a group) each keep the whole output in their own logs.
  const dirs = typeof cellDirs === 'string' ? [cellDirs] : cellDirs;
  const stdoutLogs = dirs.map((dir) => log(dir, STDOUT_LOG));
  const stderrLogs = dirs.map((dir) => log(dir, STDERR_LOG));
  teeLines(child.stdout, stdoutLogs, (line) => {
    if (line.startsWith(PROGRESS_MARKER)) onProgress(line.slice(PROGRESS_MARKER.length).trim());
  });
  teeLines(child.stderr, stderrLogs, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
  });
  const logs = [...stdoutLogs, ...stderrLogs];

  const exited = new Promise<CellExit>((resolve) => {
    const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
      if (closed) return;
      closed = true;
      for (const stream of logs) stream.end();
      await Promise.all(logs.map((stream) => finished(stream))).catch(() => undefined);
      resolve({ code, signal, seconds: (performance.now() - started) / 1000, stderrTail });
    };
    // 'close' waits for the stdio pipes, so every line has been seen. A spawn failure (ENOENT,
    // EACCES) has no pid; its 'error', which comes first, is the only place that says why.
    child.on('close', (code, signal) => void finish(code, signal));
    child.on('error', (error) => {
      if (child.pid !== undefined) return;
      stderrTail.push(`could not start ${command.file}: ${error.message}`);
      void finish(null, null);
    });
  });

  return {
    pid: child.pid,
    kill(signal) {
      // Until 'close', the group may outlive its leader through helpers still holding our pipes.
      if (child.pid === undefined || closed) return;
      killGroup(child.pid, signal);
    },
    exited,
  };
}

function teeLines(source: Readable, logs: readonly Writable[], onLine: (line: string) => void): void {
  // Each pipe and the line reader listen on the source: a group of ten cells is not a leak.
  source.setMaxListeners(Math.max(source.getMaxListeners(), 2 * logs.length + 4));
  for (const log of logs) source.pipe(log, { end: false });
  createInterface({ input: source, crlfDelay: Infinity }).on('line', onLine);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
