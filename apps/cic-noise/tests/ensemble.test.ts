import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellResults, resultDifferences, runSmoke } from '@mgdl/experiment/testing';

const options = { app: 'cic-noise', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] as const };
// One group of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'noises=[0.4]', '--set', 'widths=[1]'];

describe("cic-noise: a noise rate and width's seeds as one ensemble (Five-layer CNN (mcnn: batch norm))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    const together = runSmoke({ ...options, args: grid });
    expect(together.run.status, together.run.stderr + together.run.stdout).toBe(0);
    const alone = runSmoke({ ...options, args: [...grid, '--ensemble', 'off'] });
    expect(alone.run.status, alone.run.stderr + alone.run.stdout).toBe(0);
    const cells = readdirSync(join(together.out, 'cells')).sort();
    expect(cells).toHaveLength(2);
    // One checkpoint for the group, in its first cell: the seeds trained together.
    expect(readdirSync(join(together.out, 'cells', cells[0]!, 'checkpoints'))).toEqual([expect.stringMatching(/^ensemble-[0-9a-f]{16}$/)]);
    const results = (out: string, cell: string) => cellResults(join(out, 'cells', cell));
    for (const cell of cells) expect(resultDifferences(results(together.out, cell), results(alone.out, cell)), cell).toEqual([]);
    // The seeds differ, so equal results would mean a member copied another.
    expect(resultDifferences(results(together.out, cells[0]!), results(together.out, cells[1]!))).not.toEqual([]);
  });
});
