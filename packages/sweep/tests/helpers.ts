import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectResults, type SweepCell } from '../src/index.js';

export const tempDir = () => mkdtempSync(join(tmpdir(), 'mgdl-sweep-'));

export async function waitFor(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Zombies count as gone: an orphan's new parent (PID 1 in a container) may never reap it. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid each cell last ran as, for cells that started. */
export function cellPids(dir: string, cells: readonly SweepCell[]): number[] {
  return cells.flatMap((cell) => {
    try {
      return [Number(readFileSync(join(dir, cell.name, 'pid'), 'utf8'))];
    } catch {
      return [];
    }
  });
}

export function metricsByName(dir: string, cells: readonly SweepCell[]): Record<string, unknown> {
  return Object.fromEntries(collectResults(dir, cells).map((result) => [result.name, result.metrics]));
}
