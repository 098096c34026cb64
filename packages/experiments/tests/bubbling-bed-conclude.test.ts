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
const grid = (lossAtSmall: number[]) => [
  ...[0.10, 0.11, 0.09].map((m, s) => cell('plain', 0.01, s, m)),
  ...lossAtSmall.map((m, s) => cell('loss', 0.01, s, m)),
  ...[0.010, 0.011].map((m, s) => cell('plain', 1, s, m)),
  ...[0.010, 0.011].map((m, s) => cell('loss', 1, s, m)),
];

describe('concludeArms', () => {
  it('holds when a constrained arm beats plain at the small fractions, paired by seed', () => {
    const verdict = concludeArms(grid([0.05, 0.051, 0.049]), config);
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.map((j) => [j.claim, j.statistic, j.seeds, j.outcome])).toEqual([['loss beats plain at fraction 0.01 (log10 of plain / loss test MSE)', 'mean-paired-difference', 3, 'held']]);
    expect(verdict.text).toMatch(/At the larger fractions \(not part of the claim\): loss beats plain at fraction 1 .*2 seeds: inconclusive/);
  });
  it('does not hold when the constrained arm is worse at every small fraction in every seed', () => {
    expect(concludeArms(grid([0.2, 0.21, 0.19]), config).held).toBe(false);
  });
  it('is inconclusive when the seeds disagree about the difference', () => {
    expect(concludeArms(grid([0.08, 0.13, 0.1]), config).held).toBeNull();
  });
  it('is undetermined with one seed', () => {
    expect(concludeArms([cell('plain', 0.01, 0, 0.1), cell('loss', 0.01, 0, 0.01)], config).held).toBeNull();
  });
  it('measures how far the seeds’ curves fan out in log10', () => {
    expect(curveSpread([[1, 10], [1, 10]])).toBe(0);
    expect(curveSpread([[1, 1], [100, 100]])).toBeCloseTo(1);
  });
});
