import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, runSweep } from '../src/index.js';
import { base, fakeCell, grid, readAttempts, readStep } from './fixtures/fake-cell.js';
import { cellPids, isRunning, metricsByName, tempDir, waitFor } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const runnerScript = fileURLToPath(new URL('./fixtures/sweep-runner.ts', import.meta.url));
const cells = expandGrid(base, grid);
const started: { runnerPid: number; dir: string }[] = [];

/** Starts a sweep in its own process group, as `npm run …` would from a terminal. */
function startRunner(dir: string, sweepGrid: Record<string, unknown[]> = grid, killAfterMs = 3000) {
  const args = [runnerScript, dir, '2', JSON.stringify(sweepGrid), String(killAfterMs)];
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ runnerPid: child.pid!, dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** Cells with progress but at least half their steps to go, so they cannot finish before a test reacts. */
const midway = (dir: string) =>
  cells.filter((cell) => {
    const step = readStep(join(dir, cell.name));
    return step >= 1 && step <= base.steps / 2;
  });
const rerun = (dir: string) => runSweep({ cells, dir, workers: 2, command: fakeCell(dir) });

// Only a safety net: the assertions below require that nothing is left for it to do.
afterEach(() => {
  for (const { runnerPid, dir } of started.splice(0)) {
    for (const pid of [-runnerPid, ...cellPids(dir, cells)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

describe('interrupted sweeps', () => {
  let uninterrupted: Record<string, unknown>;
  beforeAll(async () => {
    const dir = tempDir();
    await rerun(dir);
    uninterrupted = metricsByName(dir, cells);
  });

  it('resumes after the runner is SIGKILLed mid-cell and ends with the same results', async () => {
    const dir = tempDir();
    const runner = startRunner(dir);
    await waitFor(() => midway(dir).length > 0);
    const cut = midway(dir).map((cell) => cell.name);
    runner.child.kill('SIGKILL');
    await runner.exited;

    // Nothing forwarded a signal: the orphaned cells stop, unfinished, because their stdin pipe closed.
    const orphans = cellPids(dir, cells);
    await waitFor(() => !orphans.some(isRunning), 120_000);
    for (const name of cut) expect(existsSync(join(dir, name, 'metrics.json'))).toBe(false);

    const unfinished = cells.filter((cell) => !existsSync(join(dir, cell.name, 'done.json'))).map((cell) => cell.name);
    expect(unfinished.length).toBeGreaterThan(0);
    const result = await rerun(dir);
    expect(result.completed.sort()).toEqual(unfinished.sort());
    expect(metricsByName(dir, cells)).toEqual(uninterrupted);
    const attempts = cells.flatMap((cell) => readAttempts(join(dir, cell.name)));
    expect(attempts.some((attempt) => attempt.resumedFrom >= 1)).toBe(true);
  });

  it('stops on SIGINT without marking running cells done, and a rerun completes', async () => {
    const dir = tempDir();
    const runner = startRunner(dir);
    await waitFor(() => midway(dir).length > 0);
    const running = midway(dir).map((cell) => cell.name);
    process.kill(runner.child.pid!, 'SIGINT');
    const { code, stdout, stderr } = await runner.exited;

    expect(code).toBe(130);
    const result = JSON.parse(stdout) as { interrupted: boolean; incomplete: string[] };
    expect(result.interrupted).toBe(true);
    expect(result.incomplete).toEqual(expect.arrayContaining(running));
    expect(stderr).toContain(`incomplete: ${result.incomplete.join(', ')}`);
    expect(stderr).toMatch(/rerun the same sweep to continue/);
    // The runner waited for its cells, which took SIGTERM and exited 0 — yet none is marked done.
    expect(cellPids(dir, cells).some(isRunning)).toBe(false);
    for (const name of result.incomplete) expect(existsSync(join(dir, name, 'done.json'))).toBe(false);
    for (const name of running) expect(readAttempts(join(dir, name))).toHaveLength(1);

    const again = await rerun(dir);
    expect(again.completed.sort()).toEqual([...result.incomplete].sort());
    expect(metricsByName(dir, cells)).toEqual(uninterrupted);
  });

  it('SIGKILLs a cell that ignores SIGTERM once killAfterMs has passed', async () => {
    const dir = tempDir();
    const stubbornGrid = { steps: [100], ignoreSigterm: [true] }; // 3 s unless killed
    const stubborn = expandGrid(base, stubbornGrid);
    const runner = startRunner(dir, stubbornGrid, 300);
    const cellDir = join(dir, stubborn[0]!.name);
    await waitFor(() => readStep(cellDir) >= 1);
    const sent = Date.now();
    process.kill(runner.child.pid!, 'SIGINT');
    const { code, stderr } = await runner.exited;

    expect(code).toBe(130);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    expect(stderr).toContain('SIGKILL after 0.3 s');
    expect(cellPids(dir, stubborn).some(isRunning)).toBe(false);
    expect(readAttempts(cellDir)).toEqual([]); // it never got to log a clean exit
    expect(existsSync(join(cellDir, 'done.json'))).toBe(false);
  });
});

