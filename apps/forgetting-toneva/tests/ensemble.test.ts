import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellResults, resultDifferences, runSmoke } from '@mgdl/experiment/testing';

const options = { app: 'forgetting-toneva', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] as const };
// Counting: seeds 0 and 1, one group; removal: each strategy's two seeds one group, each member on what its own removal left.
const grid = ['--set', 'removalSeeds=[0,1]', '--set', 'epochs=3'];

describe("forgetting-toneva: each stage's seeds as one ensemble (toneva-mnist conv net)", () => {
  it('gives every cell of both stages exactly what it gets alone (--ensemble off): the same removals, per-sample record and metrics, every number equal', () => {
    const together = runSmoke({ ...options, args: grid });
    expect(together.run.status, together.run.stderr + together.run.stdout).toBe(0);
    const alone = runSmoke({ ...options, args: [...grid, '--ensemble', 'off'] });
    expect(alone.run.status, alone.run.stderr + alone.run.stdout).toBe(0);
    const cells = (out: string, stage: string) => readdirSync(join(out, 'cells', stage)).filter((name) => name.includes('seed=')).sort();
    expect(cells(together.out, 'counting')).toHaveLength(2);
    expect(cells(together.out, 'removal')).toHaveLength(4);
    for (const stage of ['counting', 'removal']) {
      const names = cells(together.out, stage);
      // One checkpoint per group, in its first cell: the seeds trained together.
      const checkpoints = (cell: string) => join(together.out, 'cells', stage, cell, 'checkpoints');
      const ensembles = names.flatMap((cell) => (existsSync(checkpoints(cell)) ? readdirSync(checkpoints(cell)) : []).filter((entry) => entry.startsWith('ensemble-')));
      expect(ensembles, stage).toHaveLength(stage === 'counting' ? 1 : 2);
      for (const cell of names) {
        const [a, b] = [together.out, alone.out].map((out) => join(out, 'cells', stage, cell));
        expect(resultDifferences(cellResults(a!), cellResults(b!)), `${stage}/${cell}`).toEqual([]);
        if (stage === 'removal') expect(readdirSync(a!)).toContain('removal.json');
      }
    }
    const ranking = (out: string) => readFileSync(join(out, 'cells', 'counting', 'ranking.csv'), 'utf8');
    expect(ranking(together.out)).toBe(ranking(alone.out));
    const verdict = (out: string) => JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')) as { judgements: unknown };
    expect(verdict(together.out).judgements).toEqual(verdict(alone.out).judgements);
  });
});
