import { describe, expect, it } from 'vitest';
import { ensembleProblems } from '@mgdl/experiment/testing';

const options = { app: 'mgdl-bubbling-bed', main: new URL('../src/main.ts', import.meta.url) };
// Every arm at one fraction, two seeds each: five groups of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'fractions=[0.05]', '--set', 'arms=["plain","loss","annealed","gradnorm","lr"]'];

describe("mgdl-bubbling-bed: an arm's seeds as one ensemble, each member with its own constraint plugin", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): metrics, loss terms, λ and curves, every number equal', () => {
    // Regression cells keep no per-sample record: metrics.json (the MGDL summary included) is what they write.
    expect(ensembleProblems({ ...options, args: grid }, 0, { forgetting: false })).toEqual([]);
  });
});
