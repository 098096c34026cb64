import { describe, expect, it } from 'vitest';
import { ensembleProblems } from '@mgdl/experiment/testing';

const options = { app: 'cic-l2', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] as const };
// One group of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'l2s=[0.01]', '--set', 'dropout=0.25'];

describe("cic-l2: an L2 strength's seeds as one ensemble (Four-layer CNN (cnn4: kernel L2 and dropout))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    expect(ensembleProblems({ ...options, args: grid })).toEqual([]);
  });
});
