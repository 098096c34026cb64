import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CellIdentityError, collectResults, expandGrid, runSweep, type SweepEvent } from '../src/index.js';
import { base, fakeCell, grid, readAttempts } from './fixtures/fake-cell.js';
import { tempDir } from './helpers.js';

const cells = expandGrid(base, grid);

/** The most attempts alive at one instant; at equal times an end counts before a start. */
function maxConcurrent(dir: string): number {
  const edges = cells
    .flatMap((cell) => readAttempts(join(dir, cell.name)))
    .flatMap(({ start, end }) => [{ at: start, delta: 1 }, { at: end, delta: -1 }])
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let alive = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (alive += edge.delta));
  return most;
}

describe('runSweep', () => {
  const dir = tempDir();

  it('runs every cell, at most `workers` at once, and marks each done', async () => {
    const listeners = process.listenerCount('SIGINT');
    const events: SweepEvent[] = [];
    const result = await runSweep({ cells, dir, workers: 2, command: fakeCell(dir), onEvent: (e) => events.push(e) });

    expect(result).toMatchObject({ completed: expect.arrayContaining(cells.map((c) => c.name)), skipped: [], failed: [], interrupted: false, incomplete: [] });
    expect(result.completed).toHaveLength(4);
    expect(maxConcurrent(dir)).toBe(2);
    expect(events.filter((e) => e.type === 'start')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(4);
    expect(events).toContainEqual({ type: 'progress', name: cells[0]!.name, message: 'step 10/10' });
    expect(process.listenerCount('SIGINT')).toBe(listeners);

    const done = JSON.parse(readFileSync(join(dir, cells[0]!.name, 'done.json'), 'utf8')) as Record<string, unknown>;
    expect(done).toMatchObject({ exitCode: 0, seconds: expect.any(Number), finishedAt: expect.any(String) });
    expect(readFileSync(join(dir, cells[0]!.name, 'stdout.log'), 'utf8')).toContain('@@progress step 10/10\n');
    expect(collectResults(dir, cells)[3]).toEqual({
      name: 'width=3,noise=0.2',
      values: { 'model.width': 3, noise: 0.2 },
      status: 'done',
      metrics: { state: expect.any(Number), steps: 10 },
    });
  });

  it('skips completed cells when rerun', async () => {
    const events: SweepEvent[] = [];
    const result = await runSweep({ cells, dir, workers: 2, command: fakeCell(dir), onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ completed: [], skipped: cells.map((c) => c.name), failed: [], interrupted: false });
    expect(events.map((e) => e.type)).toEqual(['skip', 'skip', 'skip', 'skip']);
  });

  it('reports a failing cell with its stderr tail while the others complete, and retries it on rerun', async () => {
    const failDir = tempDir();
    const fake = fakeCell(failDir);
    const three = expandGrid(base, { 'model.width': [2, 3, 4] });
    const events: SweepEvent[] = [];
    const result = await runSweep({
      cells: three,
      dir: failDir,
      workers: 2,
      command: (cell, cellDir) => fake(cell.name === 'width=3' ? { config: { ...cell.config, failAtStep: 3 } } : cell, cellDir),
      onEvent: (e) => events.push(e),
    });

    const tail = Array.from({ length: 40 }, (_, i) => `diagnostic line ${i + 20}`);
    expect(result.completed.sort()).toEqual(['width=2', 'width=4']);
    expect(result.failed).toEqual([{ name: 'width=3', code: 3, signal: null, stderrTail: tail }]);
    expect(events).toContainEqual({ type: 'fail', name: 'width=3', code: 3, signal: null, stderrTail: tail });
    const cellDir = join(failDir, 'width=3');
    expect(JSON.parse(readFileSync(join(cellDir, 'failed.json'), 'utf8'))).toMatchObject({ exitCode: 3, signal: null, stderrTail: tail });
    expect(readFileSync(join(cellDir, 'stderr.log'), 'utf8').split('\n')).toHaveLength(61);
    expect(existsSync(join(cellDir, 'done.json'))).toBe(false);
    expect(collectResults(failDir, three).map((r) => r.status)).toEqual(['done', 'failed', 'done']);

    const retry = await runSweep({ cells: three, dir: failDir, workers: 2, command: fake });
    expect(retry).toMatchObject({ completed: ['width=3'], skipped: ['width=2', 'width=4'], failed: [] });
    expect(readAttempts(cellDir)).toEqual([expect.objectContaining({ resumedFrom: 3 })]);
    expect(existsSync(join(cellDir, 'failed.json'))).toBe(false);
  });

  it('certifies the result files in done.json and reruns a cell whose certified file changed', async () => {
    const own = tempDir();
    const one = expandGrid(base, { 'model.width': [2] });
    await runSweep({ cells: one, dir: own, command: fakeCell(own), identity: (cell) => cell.config });
    const cellDir = join(own, 'width=2');
    const done = JSON.parse(readFileSync(join(cellDir, 'done.json'), 'utf8')) as { fingerprint: string; files: Record<string, { bytes: number; sha256: string }> };
    expect(done.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(done.files).sort()).toEqual(['checkpoint.json', 'metrics.json', 'pid', 'timing.jsonl']);
    expect(done.files['metrics.json']!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const metrics = readFileSync(join(cellDir, 'metrics.json'), 'utf8');
    writeFileSync(join(cellDir, 'metrics.json'), metrics.slice(0, 5)); // as a killed writer without rename would leave it
    const events: SweepEvent[] = [];
    const rerun = await runSweep({ cells: one, dir: own, command: fakeCell(own), identity: (cell) => cell.config, onEvent: (e) => events.push(e) });
    expect(events[0]).toEqual({ type: 'recheck', name: 'width=2', reason: 'metrics.json changed after the cell finished' });
    expect(rerun.completed).toEqual(['width=2']);
    expect(readFileSync(join(cellDir, 'metrics.json'), 'utf8')).toBe(metrics);
  });

  it('stops before starting anything when a cell directory was made by another config, and fresh discards it', async () => {
    const own = tempDir();
    const one = expandGrid(base, { 'model.width': [2] });
    await runSweep({ cells: one, dir: own, command: fakeCell(own), identity: (cell) => cell.config });
    const changed = expandGrid({ ...base, steps: 4 }, { 'model.width': [2] });
    const error = await runSweep({ cells: changed, dir: own, command: fakeCell(own), identity: (cell) => cell.config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CellIdentityError);
    expect((error as Error).message).toBe('1 cell(s) were made by a different config, code or data:\n  width=2: steps: 10 → 4');
    expect(readAttempts(join(own, 'width=2'))).toHaveLength(1);
    const fresh = await runSweep({ cells: changed, dir: own, command: fakeCell(own), identity: (cell) => cell.config, fresh: true });
    expect(fresh.completed).toEqual(['width=2']);
    expect(JSON.parse(readFileSync(join(own, 'width=2', 'metrics.json'), 'utf8'))).toMatchObject({ steps: 4 });
    expect(readAttempts(join(own, 'width=2'))).toEqual([expect.objectContaining({ resumedFrom: 0 })]);
  });

  it('fails a cell that exits 0 with an incomplete result instead of certifying it', async () => {
    const own = tempDir();
    const one = expandGrid(base, { 'model.width': [2] });
    const result = await runSweep({
      cells: one,
      dir: own,
      command: fakeCell(own),
      verify: (cellDir) => {
        throw new Error(`${join(cellDir, 'metrics.json')} has no run summary`);
      },
    });
    expect(result.failed).toEqual([expect.objectContaining({ name: 'width=2', code: 0, stderrTail: [expect.stringMatching(/exited 0 but its result is incomplete: .*metrics\.json has no run summary/)] })]);
    expect(existsSync(join(own, 'width=2', 'done.json'))).toBe(false);
  });

  it('reports a command that cannot start as a failure', async () => {
    const missing = tempDir();
    const result = await runSweep({ cells: [{ name: 'a' }], dir: missing, command: () => ({ file: join(missing, 'nope'), args: [] }) });
    expect(result.failed).toEqual([{ name: 'a', code: null, signal: null, stderrTail: [expect.stringMatching(/could not start .*ENOENT/)] }]);
  });

  it('rejects cell names that would escape the sweep directory', async () => {
    const command = () => ({ file: process.execPath, args: [] });
    await expect(runSweep({ cells: [{ name: '../x' }], dir: tempDir(), command })).rejects.toThrow(/cannot be used as a directory name/);
    await expect(runSweep({ cells: [{ name: 'a' }, { name: 'a' }], dir: tempDir(), command })).rejects.toThrow(/two cells are named "a"/);
  });
});
