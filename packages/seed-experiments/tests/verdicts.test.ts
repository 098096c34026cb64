import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '@mgdl/experiment';
import { cicEpochs, cicNoise, cicScales } from '../src/index.js';

// Small seeded offsets per seed, so seeds differ a little but agree on every trend.
const jitter = (seed: number, k: number) => 0.01 * Math.sin(7 * seed + 3 * k);
const done = (values: Record<string, unknown>, metrics: Record<string, unknown>): ExperimentResult => ({ name: JSON.stringify(values), status: 'done', values, metrics });
const context = { runDir: '/run' };

describe('cic-noise: M falls and F rises with noise at every width, by the shared rule', () => {
  const forgetting = (M: number) => ({ samples: 100, steps: 30, S1: 5, S2: Math.round(80 * M), S3: 20, M, F: 1 - M, ratio: M / (1 - M), events: Math.round(100 * (1 - M)), unforgettable: 60, series: 'presentation', settledRatio: M / (1 - M), regime: 'compromise' });
  const results = (slope: number) =>
    [1, 3].flatMap((width) => [0, 0.2, 0.4, 0.6].flatMap((noise, k) => [0, 1, 2, 3, 4].map((seed) => done({ noise, width, seed }, { test: { loss: 1, accuracy: 0.5, samples: 10 }, forgetting: forgetting(0.8 + slope * noise + jitter(seed, k)) }))));

  it('holds with five seeds when M falls with noise, Holm over the six claims, the companions beside them as exploratory', () => {
    const config = cicNoise.schema.parse(cicNoise.presets.default);
    const verdict = cicNoise.conclude(results(-0.5), config, context);
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.every((j) => j.adjustedP >= j.pValue && j.interval !== undefined)).toBe(true);
    expect(verdict.companions!.every((j) => j.exploratory)).toBe(true);
    expect(verdict.judgements!.map((j) => `${j.claim}: ${j.outcome}`)).toEqual([
      'w = 1: M falls with noise: held', 'w = 1: F rises with noise: held', 'w = 1: settled M/F falls with noise: held',
      'w = 3: M falls with noise: held', 'w = 3: F rises with noise: held', 'w = 3: settled M/F falls with noise: held',
    ]);
    expect(verdict.companions!.map((j) => j.claim)).toContain('final-step odds over S3 falls with noise at w = 1');
    expect(verdict.table!.header).toEqual(expect.arrayContaining(['S2 share', 'forgetting events per sample', 'final-step odds over S3']));
  });

  it('does not hold when M rises with noise, and cannot tell with the three seeds of the default preset', () => {
    const config = cicNoise.schema.parse(cicNoise.presets.default);
    expect(cicNoise.conclude(results(0.3), config, context).held).toBe(false);
    const three = cicNoise.conclude(results(-0.5).filter((r) => Number(r.values['seed']) < 3), config, context);
    expect(three.held).toBeNull();
    expect(three.text).toContain('w = 1: M falls with noise: 3 of 3 seeds agree');
  });
});

describe('cic-scales: amplitudes ordered element > meso > system, paired by seed', () => {
  const run = (seed: number, [element, meso, system]: number[]) =>
    done({ seed }, { forgetting: { scales: { element: { value: 0.5, amplitude: element! }, meso: { value: 0.6, amplitude: meso! }, system: { value: 0.6, amplitude: system! } } } });
  const config = cicScales.schema.parse(cicScales.presets.default);

  // Six seeds: Holm over the two claims doubles the smallest sign-flip p (1/2^n), so five (2/32) cannot hold.
  const seeds = [0, 1, 2, 3, 4, 5];

  it('holds when every one of six seeds orders them, is inconclusive with five or one, and does not hold when reversed', () => {
    const ordered = seeds.map((seed) => run(seed, [0.4 + jitter(seed, 0), 0.05, 0.01]));
    const verdict = cicScales.conclude(ordered, config, context);
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.map((j) => [j.statistic, j.n, j.pValue, j.adjustedP, j.outcome])).toEqual([['paired-difference', 6, 1 / 64, 2 / 64, 'held'], ['paired-difference', 6, 1 / 64, 2 / 64, 'held']]);
    expect(cicScales.conclude(ordered.slice(0, 5), config, context).held).toBeNull();
    expect(cicScales.conclude(ordered.slice(0, 1), config, context).held).toBeNull();
    expect(cicScales.conclude(seeds.map((seed) => run(seed, [0.01, 0.05 + jitter(seed, 1) / 10, 0.4])), config, context).held).toBe(false);
  });
});

describe('cic-epochs: trends over the epochs judged over seeds', () => {
  const history = (seed: number, testMinimumAt: number) => {
    const epoch = Array.from({ length: 12 }, (_, i) => i + 1);
    const M = epoch.map((e) => 0.3 + 0.05 * e + jitter(seed, e) / 10);
    return { epoch, trainLoss: epoch.map((e) => 2 / e + jitter(seed, e) / 100), testLoss: epoch.map((e) => 1 + 0.02 * (e - testMinimumAt) ** 2 + jitter(seed, e) / 100), testAccuracy: epoch.map(() => 0.8), M, F: M.map((m) => 1 - m), ratio: M.map((m) => m / (1 - m)) };
  };
  const config = cicEpochs.schema.parse(cicEpochs.presets.default);

  const five = [0, 1, 2, 3, 4];

  it('holds when train loss falls, M rises and test loss bottoms out in between; not when test loss only falls', () => {
    const verdict = cicEpochs.conclude(five.map((seed) => done({ seed }, { history: history(seed, 6) })), config, context);
    expect(verdict.judgements!.map((j) => [j.claim, j.outcome])).toEqual([
      ['train loss falls with the epochs', 'held'],
      ['M (over S3 so far) rises with the epochs', 'held'],
      ['test loss has an optimum in between (falls, then rises)', 'held'],
    ]);
    expect(verdict.held).toBe(true);
    // Along the epochs of one run only the seeds replicate: the trends are tested by t on the per-seed Spearman coefficients alone.
    expect(verdict.judgements!.slice(0, 2).map((j) => j.tests.map((t) => t.name))).toEqual([['t on per-seed Spearman'], ['t on per-seed Spearman']]);
    // The optimum is tested at the interior epoch with the smallest p (Holm over the ten interior epochs), around the dip at 6.
    expect(verdict.judgements![2]!.at).toBeGreaterThanOrEqual(4);
    expect(verdict.judgements![2]!.at).toBeLessThanOrEqual(8);
    // Each epoch's row gives the mean over seeds and its 95% t-interval; test accuracy is the same in every seed.
    const [epoch1] = verdict.table!.rows;
    expect(epoch1![0]).toBe(1);
    expect(epoch1![3]).toBe('0.800 [0.800, 0.800]');
    const M = /^(\S+) \[(\S+), (\S+)\]$/.exec(String(epoch1![4]))!.slice(1).map(Number);
    expect(M[1]).toBeLessThanOrEqual(M[0]!);
    expect(M[2]).toBeGreaterThanOrEqual(M[0]!);
    expect(cicEpochs.conclude(five.map((seed) => done({ seed }, { history: history(seed, 40) })), config, context).held).toBe(false);
    expect(cicEpochs.conclude(five.slice(0, 3).map((seed) => done({ seed }, { history: history(seed, 6) })), config, context).held).toBeNull();
  });
});
