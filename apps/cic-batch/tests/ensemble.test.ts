import { describe, expect, it } from 'vitest';
import { ensembleProblems } from '@mgdl/experiment/testing';

const options = { app: 'cic-batch', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] as const };
// One group of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'batchSizes=[32]', '--set', 'width=1'];

describe("cic-batch: a batch size's seeds as one ensemble (Five-layer CNN (mcnn: batch norm))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    expect(ensembleProblems({ ...options, args: grid })).toEqual([]);
  });
});
