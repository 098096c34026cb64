import { describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import { combine, describeJudgement, judgeInteriorMinimum, judgePairedDifference, judgeSeedConcordance, judgeTrend, type SeedPoint } from '../src/judge.js';

/** y = f(x) + noise(seed, x), over `seeds` seeds and x = 1…5. */
const grid = (seeds: number, f: (x: number) => number, noise: (seed: number, x: number) => number): SeedPoint[] =>
  Array.from({ length: seeds }, (_, seed) => [1, 2, 3, 4, 5].map((x) => ({ x, seed, y: f(x) + noise(seed, x) }))).flat();
// Seeded, independent noise per (seed, x), uniform in ±amplitude.
const wiggle = (amplitude: number) => (seed: number, x: number) => amplitude * (2 * createRandom(1000 * seed + x)() - 1);

describe('the verdict rule', () => {
  it('holds a clear trend, and refuses the opposite claim for it', () => {
    const points = grid(5, (x) => -x, wiggle(0.1));
    const falls = judgeTrend('train loss falls with width', points, 'falls');
    expect(falls).toMatchObject({ estimate: -1, interval: [-1, -1], seeds: 5, outcome: 'held' });
    expect(judgeTrend('train loss rises with width', points, 'rises').outcome).toBe('not held');
  });

  it('is inconclusive for a flat quantity with seed noise', () => {
    const flat = judgeTrend('M/F rises', grid(5, () => 1, wiggle(0.5)), 'rises');
    expect(flat.outcome).toBe('inconclusive');
    expect(flat.interval[0]).toBeLessThan(0);
    expect(flat.interval[1]).toBeGreaterThan(0);
  });

  it('holds a noisy but real trend once there are enough seeds, and not with one seed', () => {
    const noisy = (seeds: number) => grid(seeds, (x) => 0.2 * x, wiggle(0.45));
    expect(judgeTrend('rises', noisy(12), 'rises').outcome).toBe('held');
    expect(judgeTrend('rises', noisy(1), 'rises')).toMatchObject({ seeds: 1, outcome: 'inconclusive' });
  });

  it('finds an interior optimum, or its absence, over seeds', () => {
    const bowl = judgeInteriorMinimum('test loss has an optimum in between', grid(5, (x) => (x - 3) ** 2, wiggle(0.2)));
    expect(bowl).toMatchObject({ estimate: 1, outcome: 'held' });
    const slope = judgeInteriorMinimum('test loss has an optimum in between', grid(5, (x) => x, wiggle(0.2)));
    expect(slope).toMatchObject({ estimate: 0, outcome: 'not held' });
    const shallow = judgeInteriorMinimum('test loss has an optimum in between', grid(5, (x) => 0.01 * (x - 4) ** 2, wiggle(0.3)));
    expect(shallow.outcome).toBe('inconclusive');
  });

  it('judges a paired difference between arms that share seeds', () => {
    const differences = (seeds: number, shift: number, amplitude: number) => Array.from({ length: seeds }, (_, seed) => ({ seed, y: shift + wiggle(amplitude)(seed, 0) }));
    const better = judgePairedDifference('arm beats control', differences(6, 0.5, 0.2), 'positive');
    expect(better).toMatchObject({ statistic: 'mean-paired-difference', seeds: 6, outcome: 'held' });
    expect(better.interval[0]).toBeGreaterThan(0);
    expect(judgePairedDifference('arm loses to control', differences(6, 0.5, 0.2), 'negative').outcome).toBe('not held');
    expect(judgePairedDifference('arm beats control', differences(6, 0, 0.5), 'positive').outcome).toBe('inconclusive');
    expect(judgePairedDifference('arm beats control', differences(2, 0.5, 0.2), 'positive')).toMatchObject({ seeds: 2, outcome: 'inconclusive' });
    // Several differences of one seed (e.g. one per fraction) count once, as their mean.
    const repeated = judgePairedDifference('x', [{ seed: 0, y: 1 }, { seed: 0, y: 3 }, { seed: 1, y: 2 }, { seed: 2, y: 2 }], 'positive');
    expect(repeated).toMatchObject({ estimate: 2, interval: [2, 2], seeds: 3, outcome: 'held' });
    expect(describeJudgement(repeated)).toBe('x: mean difference 2.00 [2.00, 2.00], 3 seeds: held');
  });

  it('holds a systematic seed effect when the seeds keep their rank at every swept value', () => {
    // Seed s sits 0.01·s above the trend at every x, well beyond the ±0.002 wiggle.
    const consistent = judgeSeedConcordance('seeds keep their rank', grid(3, (x) => x, (seed, x) => 0.01 * seed + wiggle(0.002)(seed, x)));
    // Three seeds over five values: the first value's ranks fixed, 6^4 arrangements, one of them as concordant.
    expect(consistent).toMatchObject({ statistic: 'kendall-w', estimate: 1, interval: [1, 1], pValue: 1 / 6 ** 4, seeds: 3, outcome: 'held' });
    expect(describeJudgement(consistent)).toBe("seeds keep their rank: Kendall's W 1.00, p = 7.7e-4, 3 seeds: held");
    // Beyond the exact enumeration (720^4 arrangements for six seeds), a seeded Monte Carlo estimate.
    const many = judgeSeedConcordance('many', grid(6, (x) => x, (seed) => 0.01 * seed));
    expect(many.outcome).toBe('held');
    expect(many.pValue).toBeLessThan(0.01);
  });

  it('is inconclusive when the seeds swap ranks from value to value, are tied, or are too few', () => {
    // Each seed takes every rank in turn: (seed + x) mod 3.
    const shuffled = judgeSeedConcordance('seeds keep their rank', grid(3, (x) => x, (seed, x) => 0.01 * ((seed + x) % 3)));
    expect(shuffled.outcome).toBe('inconclusive');
    expect(shuffled.pValue).toBeGreaterThan(0.05);
    expect(judgeSeedConcordance('tied', grid(3, () => 1, () => 0))).toMatchObject({ estimate: 0, pValue: 1, outcome: 'inconclusive' });
    expect(judgeSeedConcordance('two seeds', grid(2, (x) => x, (seed) => seed))).toMatchObject({ estimate: 1, seeds: 2, outcome: 'inconclusive' });
    // A swept value that one seed did not reach is left out: two complete values are too few.
    const partial = grid(3, (x) => x, (seed) => seed).filter((p) => p.x <= 2 || p.seed !== 2);
    expect(judgeSeedConcordance('partial', partial)).toMatchObject({ estimate: 1, outcome: 'inconclusive' });
  });

  it('combines claims: any not held wins, all held hold, otherwise inconclusive', () => {
    const held = judgeTrend('a', grid(5, (x) => x, wiggle(0.1)), 'rises');
    const not = judgeTrend('b', grid(5, (x) => x, wiggle(0.1)), 'falls');
    const open = judgeTrend('c', grid(2, (x) => x, wiggle(0.1)), 'rises');
    expect([combine([held, held]), combine([held, not, open]), combine([held, open]), combine([])]).toEqual([true, false, null, null]);
    expect(describeJudgement(held)).toBe('a: Spearman 1.00 [1.00, 1.00], 5 seeds: held');
  });
});
