import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '@mgdl/experiment';
import type { Arm } from '../src/mgdl-bubbling-bed/config.js';
import { concludeArms, curveSpread } from '../src/mgdl-bubbling-bed/index.js';
import type { MgdlMetrics } from '../src/mgdl-bubbling-bed/metrics.js';

const cell = (arm: Arm, fraction: number, seed: number, testMse: number): ExperimentResult => {
  const mgdl: MgdlMetrics = { arm, fraction, trainSamples: 10, testMse, testMsePerOutput: {}, violation: { all: 1e-3 }, trainViolation: 1e-3, target: 0.05, epochsToTarget: 5, finalWeight: null, bestTestMse: testMse, tailFluctuation: 0.01, curve: [1, testMse] };
  return { name: `arm=${arm},fraction=${fraction},seed=${seed}`, status: 'done', values: { arm, fraction, seed }, metrics: { mgdl } };
};
const config = { arms: ['plain', 'loss'], fractions: [0.01, 1], smallFraction: 0.05, target: 0.05 };
const PLAIN = [0.1, 0.11, 0.09, 0.1, 0.12];
/** Five seeds at the small fraction (the loss arm's test MSE per seed), two at fraction 1. */
const grid = (lossAtSmall: number[]) => [
  ...PLAIN.slice(0, lossAtSmall.length).map((m, s) => cell('plain', 0.01, s, m)),
  ...lossAtSmall.map((m, s) => cell('loss', 0.01, s, m)),
  ...[0.010, 0.011].map((m, s) => cell('plain', 1, s, m)),
  ...[0.010, 0.011].map((m, s) => cell('loss', 1, s, m)),
];

describe('concludeArms', () => {
  it('holds when a constrained arm beats plain at the small fractions, paired by seed', () => {
    const verdict = concludeArms(grid([0.05, 0.051, 0.049, 0.05, 0.06]), config);
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.map((j) => [j.claim, j.statistic, j.n, j.pValue, j.outcome])).toEqual([['loss beats plain at the small fractions 0.01 (log10 of plain / loss test MSE, mean over them)', 'paired-difference', 5, 1 / 32, 'held']]);
    expect(verdict.companions!.map((j) => [j.claim, j.exploratory])).toEqual([['loss beats plain at fraction 1 (log10 of plain / loss test MSE)', true]]);
    expect(verdict.text).toMatch(/At the larger fractions \(not part of the claim\): \(exploratory\) loss beats plain at fraction 1 .*: 0 of 2 seeds agree .*: inconclusive/);
  });
  it('does not hold when the constrained arm is worse at every small fraction in every seed', () => {
    expect(concludeArms(grid([0.2, 0.21, 0.19, 0.2, 0.2]), config).held).toBe(false);
  });
  it('is inconclusive when the seeds disagree about the difference, or agree but are fewer than five', () => {
    expect(concludeArms(grid([0.08, 0.13, 0.1, 0.09, 0.13]), config).held).toBeNull();
    const three = concludeArms(grid([0.05, 0.051, 0.049]), config);
    expect(three.held).toBeNull();
    expect(three.text).toContain('3 of 3 seeds agree');
  });
  it('needs six seeds for two constrained arms, since Holm doubles the smallest sign-flip p of five (1/32)', () => {
    const twoArms = { ...config, arms: ['plain', 'loss', 'lr'] };
    const both = (seeds: number) => [...grid([0.05, 0.051, 0.049, 0.05, 0.06, 0.05].slice(0, seeds)), ...[0.05, 0.051, 0.049, 0.05, 0.06, 0.05].slice(0, seeds).map((m, s) => cell('lr', 0.01, s, m)), ...(seeds > 5 ? [cell('plain', 0.01, 5, 0.1)] : [])];
    expect(concludeArms(both(5), twoArms).judgements!.map((j) => [j.adjustedP, j.outcome])).toEqual([[2 / 32, 'inconclusive'], [2 / 32, 'inconclusive']]);
    expect(concludeArms(both(6), twoArms).held).toBe(true);
  });
  it('is undetermined with one seed', () => {
    expect(concludeArms([cell('plain', 0.01, 0, 0.1), cell('loss', 0.01, 0, 0.01)], config).held).toBeNull();
  });
  it('measures how far the seeds’ curves fan out in log10', () => {
    expect(curveSpread([[1, 10], [1, 10]])).toBe(0);
    expect(curveSpread([[1, 1], [100, 100]])).toBeCloseTo(1);
  });
});
