import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, runSweep, type SweepCell, type SweepEvent } from '../src/index.js';
import { base, fakeCell, fakeGroup, grid } from './fixtures/fake-cell.js';
import { metricsByName, tempDir } from './helpers.js';

const cells = expandGrid({ ...base, stepMs: 1 }, grid);
/** Cells of one width train together, as a grid's seeds do in an ensemble. */
const byWidth = (dir: string) => ({ key: (cell: SweepCell) => `width ${String(cell.values['model.width'])}`, command: fakeGroup(dir) });
const pidOf = (dir: string, name: string) => Number(readFileSync(join(dir, name, 'pid'), 'utf8'));

describe('runSweep with cells trained together', () => {
  it('starts the cells of one key as one process, certifies each on its own, and gets what each alone would get', async () => {
    const dir = tempDir();
    const events: SweepEvent[] = [];
    const result = await runSweep({ cells, dir, workers: 2, command: fakeCell(dir), together: byWidth(dir), onEvent: (e) => events.push(e) });
    expect(result.completed.sort()).toEqual(cells.map((c) => c.name).sort());
    const starts = events.filter((e): e is Extract<SweepEvent, { type: 'start' }> => e.type === 'start');
    expect(starts).toHaveLength(4);
    // Two processes, each shared by the two cells of its width.
    expect(pidOf(dir, 'width=2,noise=0.1')).toBe(pidOf(dir, 'width=2,noise=0.2'));
    expect(pidOf(dir, 'width=3,noise=0.1')).toBe(pidOf(dir, 'width=3,noise=0.2'));
    expect(new Set(starts.map((s) => s.pid)).size).toBe(2);
    for (const cell of cells) {
      expect(existsSync(join(dir, cell.name, 'done.json'))).toBe(true);
      expect(readFileSync(join(dir, cell.name, 'stdout.log'), 'utf8')).toContain('@@progress step 10/10');
    }
    expect(events).toContainEqual({ type: 'progress', name: 'width=2,noise=0.1+1 more', message: 'step 10/10' });

    const alone = tempDir();
    await runSweep({ cells, dir: alone, workers: 2, command: fakeCell(alone) });
    expect(metricsByName(dir, cells)).toEqual(metricsByName(alone, cells));

    // A rerun groups only what is still pending: one cell left runs alone, with its own command.
    rmSync(join(dir, 'width=3,noise=0.2', 'done.json'));
    rmSync(join(dir, 'width=3,noise=0.2', 'metrics.json'));
    const rerun = await runSweep({ cells, dir, workers: 2, command: fakeCell(dir), together: byWidth(dir) });
    expect(rerun).toMatchObject({ completed: ['width=3,noise=0.2'], failed: [] });
    expect(pidOf(dir, 'width=3,noise=0.2')).not.toBe(pidOf(dir, 'width=3,noise=0.1'));
    expect(existsSync(join(dir, 'width=3,noise=0.2', 'checkpoint.json'))).toBe(true); // the fake cell's own file: it ran alone
    expect(metricsByName(dir, cells)).toEqual(metricsByName(alone, cells));
  });

  it('fails every cell of a group whose process fails, names each, and reruns them', async () => {
    const dir = tempDir();
    const group = fakeGroup(dir);
    const failing = { key: (cell: SweepCell) => String(cell.values['model.width']), command: (members: readonly SweepCell[], dirs: readonly string[]) => group(members.map((m) => (m.values['model.width'] === 2 ? { config: { ...m.config, failAtStep: 0 } } : m)), dirs) };
    const result = await runSweep({ cells, dir, workers: 1, command: fakeCell(dir), together: failing });
    expect(result.failed.map((f) => f.name).sort()).toEqual(['width=2,noise=0.1', 'width=2,noise=0.2']);
    expect(result.failed[0]).toMatchObject({ code: 4, stderrTail: [expect.stringContaining('group failed at')] });
    for (const name of ['width=2,noise=0.1', 'width=2,noise=0.2']) expect(existsSync(join(dir, name, 'failed.json'))).toBe(true);
    expect(result.completed.sort()).toEqual(['width=3,noise=0.1', 'width=3,noise=0.2']);
    const retry = await runSweep({ cells, dir, workers: 1, command: fakeCell(dir), together: byWidth(dir) });
    expect(retry.completed.sort()).toEqual(['width=2,noise=0.1', 'width=2,noise=0.2']);
    for (const name of ['width=2,noise=0.1', 'width=2,noise=0.2']) expect(existsSync(join(dir, name, 'failed.json'))).toBe(false);
  });
});
