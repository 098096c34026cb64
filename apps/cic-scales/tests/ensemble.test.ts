import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellResults, resultDifferences, runSmoke } from '@mgdl/experiment/testing';

const options = { app: 'cic-scales', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] as const };
// Four cells that differ only in their seed, on two workers: two ensembles of two (seeds 0, 2 and 1, 3), one per worker.
const grid = ['--set', 'seeds=[0,1,2,3]', '--set', 'width=1', '--workers', '2'];

describe("cic-scales: the seeds as ensembles, one per worker (Five-layer CNN (mcnn: batch norm))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    const together = runSmoke({ ...options, args: grid });
    expect(together.run.status, together.run.stderr + together.run.stdout).toBe(0);
    const alone = runSmoke({ ...options, args: [...grid, '--ensemble', 'off'] });
    expect(alone.run.status, alone.run.stderr + alone.run.stdout).toBe(0);
    const cells = readdirSync(join(together.out, 'cells')).sort();
    expect(cells).toEqual(['seed=0', 'seed=1', 'seed=2', 'seed=3']);
    // One checkpoint per ensemble, in its first cell: seeds 0 and 1 each started one.
    const checkpoints = (cell: string) => join(together.out, 'cells', cell, 'checkpoints');
    const ensembles = cells.map((cell) => (existsSync(checkpoints(cell)) ? readdirSync(checkpoints(cell)) : []).filter((entry) => entry.startsWith('ensemble-')).length);
    expect(ensembles).toEqual([1, 1, 0, 0]);
    const results = (out: string, cell: string) => cellResults(join(out, 'cells', cell));
    for (const cell of cells) expect(resultDifferences(results(together.out, cell), results(alone.out, cell)), cell).toEqual([]);
    // The seeds differ, so equal results would mean a member copied another.
    expect(resultDifferences(results(together.out, cells[0]!), results(together.out, cells[1]!))).not.toEqual([]);
  });
});
