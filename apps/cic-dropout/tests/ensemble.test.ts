import { describe, expect, it } from 'vitest';
import { ensembleProblems } from '@mgdl/experiment/testing';

const options = { app: 'cic-dropout', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] as const };
// One group of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'dropouts=[0.5]'];

describe("cic-dropout: a dropout rate's seeds as one ensemble (Four-layer CNN (cnn4: dropout masks per member))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    expect(ensembleProblems({ ...options, args: grid })).toEqual([]);
  });
});
