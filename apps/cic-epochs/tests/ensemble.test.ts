import { describe, expect, it } from 'vitest';
import { ensembleProblems } from '@mgdl/experiment/testing';

const options = { app: 'cic-epochs', main: new URL('../src/main.ts', import.meta.url), datasets: ['trec'] as const };
// One group of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]'];

describe("cic-epochs: the seeds as one ensemble (TextCNN (embedding, convolutions, dropout))", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): the same per-sample record and metrics, every number equal', () => {
    expect(ensembleProblems({ ...options, args: grid })).toEqual([]);
  });
});
