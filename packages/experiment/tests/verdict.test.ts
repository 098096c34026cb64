import { describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import { judgementTable } from '../src/verdict/table.js';
import { combine, describeJudgement, exploratory, holmAdjust, judgeInteriorMinimum, judgePairedDifference, judgeSeedEffect, judgeTrend, judgeTrendAlongEpochs, type SeedPoint } from '../src/index.js';

/** y = f(x) + noise(seed, x), over `seeds` seeds and x = 1…6. */
const grid = (seeds: number, f: (x: number, seed: number) => number, noise: (seed: number, x: number) => number = wiggle(0.1), xs = [1, 2, 3, 4, 5, 6]): SeedPoint[] =>
  Array.from({ length: seeds }, (_, seed) => xs.map((x) => ({ x, seed, y: f(x, seed) + noise(seed, x) }))).flat();
// Seeded, independent noise per (seed, x), uniform in ±amplitude.
function wiggle(amplitude: number) {
  return (seed: number, x: number) => amplitude * (2 * createRandom(1000 * seed + x)() - 1);
}
const differences = (values: number[]) => values.map((y, seed) => ({ seed, y }));

describe('a trend across separately trained cells', () => {
  it('holds a clear trend at five seeds by Page and t together, and refuses the opposite claim', () => {
    const falls = judgeTrend('train loss falls with width', grid(5, (x) => -x), 'falls');
    expect(falls).toMatchObject({ statistic: 'spearman', n: 5, mean: -1, agree: 5, outcome: 'held' });
    expect(falls.perSeed).toEqual([0, 1, 2, 3, 4].map((seed) => ({ seed, value: -1 })));
    expect(falls.tests.map((t) => t.name)).toEqual(['Page L (exact)', 't on per-seed Spearman']);
    // Five blocks in perfect order: 1 of 720^5 orderings.
    expect(falls.tests[0]!.pValue).toBeCloseTo(720 ** -5, 20);
    expect(judgeTrend('train loss rises with width', grid(5, (x) => -x), 'rises').outcome).toBe('not held');
    expect(describeJudgement(falls)).toMatch(/^train loss falls with width: mean per-seed Spearman -1\.00 \[-1\.00, -1\.00\] \(t, 95%\), Page L \(exact\) p < 1e-12, t on per-seed Spearman p < 1e-12, 5 seeds: held$/);
  });

  it('is inconclusive for a flat quantity, and for a clear trend with fewer than five seeds', () => {
    expect(judgeTrend('M/F rises', grid(8, () => 1, wiggle(0.5)), 'rises').outcome).toBe('inconclusive');
    const three = judgeTrend('train loss falls', grid(3, (x) => -x), 'falls');
    expect(three).toMatchObject({ n: 3, agree: 3, outcome: 'inconclusive' });
    expect(three.interval).toBeUndefined();
    expect(describeJudgement(three)).toBe('train loss falls: 3 of 3 seeds agree (mean per-seed Spearman -1.00; fewer than 5 seeds): inconclusive');
    // Two swept values: every seed is counted, nothing is tested.
    const two = judgeTrend('train loss falls', grid(5, (x) => -x, undefined, [1, 2]), 'falls');
    expect(two).toMatchObject({ n: 5, agree: 5, tests: [], pValue: 1, outcome: 'inconclusive' });
    expect(describeJudgement(two)).toMatch(/, not tested \(too few swept values\), 5 seeds: inconclusive$/);
  });

  it('does not hold a trend that Page finds when one seed of five runs the other way (the t-test on the seeds refuses it)', () => {
    const mixed = judgeTrend('rises', grid(5, (x, seed) => (seed === 4 ? -x : x), () => 0), 'rises');
    expect(mixed.tests[0]!.pValue).toBeLessThan(0.01);
    expect(mixed.tests[1]!.pValue).toBeGreaterThan(0.05);
    expect(mixed).toMatchObject({ agree: 4, outcome: 'inconclusive' });
    expect(mixed.pValue).toBe(mixed.tests[1]!.pValue);
  });
});

describe('a trend along the epochs of one run', () => {
  it('judges the per-seed Spearman coefficients with a t-test only', () => {
    const epochs = Array.from({ length: 12 }, (_, e) => e + 1);
    const rising = judgeTrendAlongEpochs('M rises with the epochs', grid(5, (x) => 0.1 * x, wiggle(0.3), epochs), 'rises');
    expect(rising.tests.map((t) => t.name)).toEqual(['t on per-seed Spearman']);
    expect(rising.perSeed.every((s) => s.value > 0.5)).toBe(true);
    expect(rising.outcome).toBe('held');
  });
});

describe('a difference between arms that share seeds', () => {
  it('holds by the exact sign-flip test, with the mean and its t-interval', () => {
    const better = judgePairedDifference('arm beats control', differences([0.3, 0.5, 0.4, 0.6, 0.5, 0.7]), 'positive');
    expect(better).toMatchObject({ statistic: 'paired-difference', n: 6, agree: 6, pValue: 1 / 64, outcome: 'held' });
    expect(better.mean).toBeCloseTo(0.5, 12);
    expect(better.interval![0]).toBeGreaterThan(0);
    expect(describeJudgement(better)).toMatch(/^arm beats control: mean difference 0\.50 \[0\.\d\d, 0\.\d\d\] \(t, 95%\), sign-flip \(exact, 2\^6 assignments\) p = 0\.016, 6 seeds: held$/);
    expect(judgePairedDifference('arm loses', differences([0.3, 0.5, 0.4, 0.6, 0.5, 0.7]), 'negative').outcome).toBe('not held');
    expect(judgePairedDifference('no gain', differences([0.3, -0.5, 0.4, -0.6, 0.5, -0.1]), 'positive').outcome).toBe('inconclusive');
  });

  it('reads "k of n seeds agree" with fewer than five seeds, and averages several differences of one seed', () => {
    const four = judgePairedDifference('x', [{ seed: 0, y: 1 }, { seed: 0, y: 3 }, { seed: 1, y: 2 }, { seed: 2, y: -1 }, { seed: 3, y: 2 }], 'positive');
    expect(four.perSeed).toEqual([{ seed: 0, value: 2 }, { seed: 1, value: 2 }, { seed: 2, value: -1 }, { seed: 3, value: 2 }]);
    expect(describeJudgement(four)).toBe('x: 3 of 4 seeds agree (mean difference 1.25; fewer than 5 seeds): inconclusive');
  });
});

describe('an optimum in between', () => {
  it('holds when the curve falls to an interior value and rises after it, tested at that value', () => {
    const bowl = judgeInteriorMinimum('test loss has an optimum in between', grid(5, (x) => (x - 3) ** 2));
    expect(bowl).toMatchObject({ statistic: 'interior-optimum', at: 3, outcome: 'held' });
    expect(bowl.tests.map((t) => t.name)).toEqual(['fall from 1 to 3 (paired t)', 'rise from 3 to 6 (paired t)', 'Holm over 4 interior values']);
    expect(describeJudgement(bowl)).toMatch(/^test loss has an optimum in between \(tested at 3\): mean of the smaller of fall and rise 3\.\d\d \[/);
  });

  it('does not hold for a curve lowest at an end, and is inconclusive when it never falls', () => {
    expect(judgeInteriorMinimum('optimum', grid(5, (x) => x)).outcome).toBe('not held');
    // Flat, then rising: the rise is clear but there is no fall to an interior value.
    const shelf = judgeInteriorMinimum('optimum', grid(5, (x) => Math.max(0, x - 3)));
    expect(shelf.outcome).toBe('inconclusive');
    expect(shelf.tests[1]!.pValue).toBeLessThan(0.01);
  });
});

describe('a seed effect', () => {
  it('holds when Friedman and the ANOVA both find the seeds keep their place across the swept values', () => {
    // Seed s sits 0.05·s above the trend at every x, well beyond the ±0.01 wiggle.
    const consistent = judgeSeedEffect('seeds keep their place', grid(5, (x, seed) => x + 0.05 * seed, wiggle(0.01)));
    expect(consistent).toMatchObject({ statistic: 'seed-effect', n: 5, outcome: 'held' });
    expect(consistent.tests.map((t) => t.name)).toEqual(["Friedman chi-square (df 4; Kendall's W 1.00)", 'two-way ANOVA F of the seed (df 4, 20)']);
    expect(consistent.perSeed.map((s) => s.value)).toEqual([-0.1, -0.05, 0, 0.05, 0.1].map((v) => expect.closeTo(v, 2)));
  });

  it('is inconclusive when the seeds reshuffle from value to value, or are fewer than five', () => {
    const shuffled = judgeSeedEffect('seeds keep their place', grid(5, (x, seed) => x + 0.01 * ((seed + x) % 5), () => 0));
    expect(shuffled.outcome).toBe('inconclusive');
    expect(shuffled.pValue).toBeGreaterThan(0.05);
    const three = judgeSeedEffect('three', grid(3, (x, seed) => x + seed, () => 0));
    expect(three.outcome).toBe('inconclusive');
    expect(describeJudgement(three)).toMatch(/, 3 seeds \(fewer than 5\): inconclusive$/);
  });
});

describe('a verdict of several claims', () => {
  it("adjusts the claims' p-values together by Holm, which can undo a held claim", () => {
    const claim = (name: string) => judgePairedDifference(name, differences([1, 2, 3, 4, 5]), 'positive');
    expect(claim('a').outcome).toBe('held');
    // Two claims at the smallest p of five seeds, 1/32: Holm makes each 2/32 > 0.05.
    const adjusted = holmAdjust([claim('a'), claim('b')]);
    expect(adjusted.map((j) => [j.pValue, j.adjustedP, j.outcome])).toEqual([[1 / 32, 2 / 32, 'inconclusive'], [1 / 32, 2 / 32, 'inconclusive']]);
    expect(describeJudgement(adjusted[0]!)).toContain('p = 0.031, Holm-adjusted p = 0.063, 5 seeds: inconclusive');
  });

  it('combines claims: any not held wins, all held hold, otherwise inconclusive; exploratory statistics say so', () => {
    const held = judgeTrend('a', grid(5, (x) => x), 'rises');
    const not = judgeTrend('b', grid(5, (x) => x), 'falls');
    const open = judgeTrend('c', grid(2, (x) => x), 'rises');
    expect([combine([held, held]), combine([held, not, open]), combine([held, open]), combine([])]).toEqual([true, false, null, null]);
    expect(describeJudgement(exploratory([held])[0]!)).toMatch(/^\(exploratory\) a: /);
  });
});

describe('the judgement table of the report', () => {
  it('gives each claim its per-seed values, n, mean and t-interval, every test with its p, the Holm p and the outcome', () => {
    const [five, three] = holmAdjust([judgePairedDifference('a', differences([0.3, 0.5, 0.4, 0.6, 0.5]), 'positive'), judgePairedDifference('b', differences([1, 2, 3]), 'positive')]);
    const { header, rows } = judgementTable([five!, ...exploratory([three!])]);
    expect(header).toEqual(['claim', 'per seed (seed: value)', 'n', 'mean [95% t-interval]', 'tests (one-sided p)', 'p (Holm-adjusted)', 'outcome']);
    expect(rows[0]).toEqual(['a', '0: 0.300, 1: 0.500, 2: 0.400, 3: 0.600, 4: 0.500', '5', expect.stringMatching(/^0\.460 \[0\.3\d\d, 0\.6\d\d\]$/), 'sign-flip (exact, 2^5 assignments): 0.031', '0.063', 'inconclusive']);
    expect(rows[1]).toEqual(['(exploratory) b', '0: 1.000, 1: 2.000, 2: 3.000', '3', '2.000 (range 1.000 to 3.000; fewer than 5 seeds)', 'sign-flip (exact, 2^3 assignments): 0.125', '0.125', 'inconclusive']);
  });
});
