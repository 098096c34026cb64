import { createRandom } from '@mgdl/random';
import { averageRanks, spearman } from './conclude.js';

/** One measurement: the swept value, the seed it ran with, and the quantity judged. */
export interface SeedPoint {
  x: number;
  seed: number;
  y: number;
}

export type Outcome = 'held' | 'not held' | 'inconclusive';

/** What `estimate` and `interval` measure. */
export type Statistic = 'spearman' | 'interior-optimum-share' | 'mean-paired-difference' | 'kendall-w';

/** A claim judged with its uncertainty: printed beside the verdict and kept in verdict.json. */
export interface Judgement {
  claim: string;
  statistic: Statistic;
  /** The statistic on all seeds: Spearman of the seed means, the share of resamples with an interior minimum, the mean over seeds of a paired difference, or Kendall's W of the seeds' ranks. */
  estimate: number;
  /** Percentile bootstrap interval over seeds (level `level`); for an optimum, [share, share]; for Kendall's W, [W, W] (its uncertainty is `pValue`). */
  interval: [number, number];
  /** For Kendall's W: the share of within-value permutations of the seeds' ranks with a W at least as large. */
  pValue?: number;
  level: number;
  seeds: number;
  outcome: Outcome;
}

/** How every app judges: documented in docs/EXPERIMENTS.md ("How a verdict is reached"). */
export const PROCEDURE =
  'bootstrap over seeds (2,000 resamples of the seeds with replacement, the same seeds at every swept value): a trend holds when the 95% interval of the Spearman coefficient of the seed means lies beyond 0 on the claimed side, does not hold when it lies beyond 0 on the other side, and is inconclusive otherwise; an interior optimum holds when at least 95% of the resamples put the minimum strictly inside the range, does not hold when at most 5% do; a difference between arms that share seeds (paired by seed) holds when the 95% interval of its mean over seeds lies beyond 0 on the claimed side, does not hold when it lies beyond 0 on the other side; a systematic seed effect (seeds keep their rank across the swept values) holds when Kendall\'s W of the seeds\' ranks has a permutation p-value (the seeds\' ranks permuted independently within each swept value) below 0.05, and is inconclusive otherwise; fewer than 3 seeds (or 3 swept values for a trend, an optimum or a seed effect) are inconclusive';

const RESAMPLES = 2000;
const LEVEL = 0.95;
const MIN_SEEDS = 3;

/** The seeds each resample draws (indices into `seeds`), the same draws for every claim of a verdict. */
function resamples(seeds: readonly number[], count: number): number[][] {
  const random = createRandom(0x5eed);
  return Array.from({ length: count }, () => seeds.map(() => seeds[Math.floor(random() * seeds.length)]!));
}

/** Mean y per x over the drawn seeds (a seed drawn twice counts twice); x sorted. */
function means(points: readonly SeedPoint[], drawn: readonly number[]): { x: number; mean: number }[] {
  const bySeed = new Map<number, SeedPoint[]>();
  for (const point of points) bySeed.set(point.seed, [...(bySeed.get(point.seed) ?? []), point]);
  const sums = new Map<number, { sum: number; n: number }>();
  for (const seed of drawn) {
    for (const { x, y } of bySeed.get(seed) ?? []) {
      const entry = sums.get(x) ?? { sum: 0, n: 0 };
      entry.sum += y;
      entry.n++;
      sums.set(x, entry);
    }
  }
  return [...sums].sort(([a], [b]) => a - b).map(([x, { sum, n }]) => ({ x, mean: sum / n }));
}

const seedsOf = (points: readonly SeedPoint[]) => [...new Set(points.map((p) => p.seed))].sort((a, b) => a - b);
const xsOf = (points: readonly SeedPoint[]) => new Set(points.map((p) => p.x)).size;
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1) + 0.5)))]!;

/** Does y rise (or fall) with x, over seeds? */
export function judgeTrend(claim: string, points: readonly SeedPoint[], direction: 'rises' | 'falls'): Judgement {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const seeds = seedsOf(finite);
  const trend = (drawn: readonly number[]) => {
    const m = means(finite, drawn);
    return spearman(m.map((a) => a.x), m.map((a) => a.mean));
  };
  const estimate = trend(seeds);
  const base = { claim, statistic: 'spearman' as const, estimate, level: LEVEL, seeds: seeds.length };
  if (seeds.length < MIN_SEEDS || xsOf(finite) < 3) return { ...base, interval: [estimate, estimate], outcome: 'inconclusive' };
  // A resample whose means are all tied has no rank order: it counts as no trend (0).
  const draws = resamples(seeds, RESAMPLES).map((drawn) => trend(drawn)).map((r) => (Number.isNaN(r) ? 0 : r)).sort((a, b) => a - b);
  const interval: [number, number] = [quantile(draws, (1 - LEVEL) / 2), quantile(draws, 1 - (1 - LEVEL) / 2)];
  const sign = direction === 'rises' ? 1 : -1;
  const [low, high] = sign > 0 ? interval : [-interval[1], -interval[0]];
  return { ...base, interval, outcome: low > 0 ? 'held' : high < 0 ? 'not held' : 'inconclusive' };
}

/** Is y lowest strictly inside the swept range (an optimum in between), over seeds? */
export function judgeInteriorMinimum(claim: string, points: readonly SeedPoint[]): Judgement {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const seeds = seedsOf(finite);
  const interior = (drawn: readonly number[]) => {
    const m = means(finite, drawn);
    const best = m.reduce((a, b) => (b.mean < a.mean ? b : a), m[0]!);
    return m.length > 2 && best.x !== m[0]!.x && best.x !== m.at(-1)!.x;
  };
  const base = { claim, statistic: 'interior-optimum-share' as const, level: LEVEL, seeds: seeds.length };
  if (seeds.length === 0) return { ...base, estimate: Number.NaN, interval: [Number.NaN, Number.NaN], outcome: 'inconclusive' };
  const all = interior(seeds) ? 1 : 0;
  if (seeds.length < MIN_SEEDS || xsOf(finite) < 3) return { ...base, estimate: all, interval: [all, all], outcome: 'inconclusive' };
  const share = resamples(seeds, RESAMPLES).filter((drawn) => interior(drawn)).length / RESAMPLES;
  return { ...base, estimate: share, interval: [share, share], outcome: share >= LEVEL ? 'held' : share <= 1 - LEVEL ? 'not held' : 'inconclusive' };
}

/** One seed's paired difference between two arms (e.g. arm − control with the same seed); several per seed are averaged. */
export interface SeedDifference {
  seed: number;
  y: number;
}

/** Is the difference between two arms that share seeds positive (or negative), over seeds? */
export function judgePairedDifference(claim: string, differences: readonly SeedDifference[], direction: 'positive' | 'negative'): Judgement {
  const bySeed = new Map<number, number[]>();
  for (const { seed, y } of differences) if (Number.isFinite(y)) bySeed.set(seed, [...(bySeed.get(seed) ?? []), y]);
  const perSeed = new Map([...bySeed].map(([seed, ys]) => [seed, ys.reduce((a, b) => a + b, 0) / ys.length]));
  const seeds = [...perSeed.keys()].sort((a, b) => a - b);
  const mean = (drawn: readonly number[]) => drawn.reduce((a, seed) => a + perSeed.get(seed)!, 0) / drawn.length;
  const estimate = seeds.length > 0 ? mean(seeds) : Number.NaN;
  const base = { claim, statistic: 'mean-paired-difference' as const, estimate, level: LEVEL, seeds: seeds.length };
  if (seeds.length < MIN_SEEDS) return { ...base, interval: [estimate, estimate], outcome: 'inconclusive' };
  const draws = resamples(seeds, RESAMPLES).map(mean).sort((a, b) => a - b);
  const interval: [number, number] = [quantile(draws, (1 - LEVEL) / 2), quantile(draws, 1 - (1 - LEVEL) / 2)];
  const [low, high] = direction === 'positive' ? interval : [-interval[1], -interval[0]];
  return { ...base, interval, outcome: low > 0 ? 'held' : high < 0 ? 'not held' : 'inconclusive' };
}

/** Kendall's W of m rank vectors over n objects: 1 when every vector orders the objects alike, ≈ 0 for unrelated orders. */
function kendallW(blocks: readonly (readonly number[])[]): number {
  const m = blocks.length;
  const n = blocks[0]!.length;
  const sums = blocks[0]!.map((_, j) => blocks.reduce((s, block) => s + block[j]!, 0));
  const meanSum = sums.reduce((a, b) => a + b, 0) / n;
  const spread = sums.reduce((s, r) => s + (r - meanSum) ** 2, 0);
  return (12 * spread) / (m * m * (n ** 3 - n));
}

/** Every ordering of `items`. */
const permutations = (items: readonly number[]): number[][] =>
  items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

/** Up to this many arrangements the permutation p-value is exact; beyond, 2,000 random ones estimate it. */
const EXACT_ARRANGEMENTS = 200_000;

/**
 * Is the seed a systematic factor: do the seeds keep their rank of y across the swept values?
 * Kendall's W of the per-value ranks, with a permutation p-value (each value's ranks shuffled on their own).
 * Only swept values that every seed reached count.
 */
export function judgeSeedConcordance(claim: string, points: readonly SeedPoint[]): Judgement {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const seeds = seedsOf(finite);
  const byX = new Map<number, Map<number, number>>();
  for (const { x, seed, y } of finite) byX.set(x, (byX.get(x) ?? new Map()).set(seed, y));
  const blocks = [...byX.values()].filter((ys) => seeds.every((s) => ys.has(s))).map((ys) => averageRanks(seeds.map((s) => ys.get(s)!)));
  const base = { claim, statistic: 'kendall-w' as const, level: LEVEL, seeds: seeds.length };
  if (seeds.length < MIN_SEEDS || blocks.length < 3) {
    const w = seeds.length >= 2 && blocks.length > 0 ? kendallW(blocks) : Number.NaN;
    return { ...base, estimate: w, interval: [w, w], outcome: 'inconclusive' };
  }
  const w = kendallW(blocks);
  // W does not change when every value's ranks are relabelled alike, so the first value's ranks stay fixed.
  const orderingsPerValue = Array.from({ length: seeds.length }, (_, i) => i + 1).reduce((a, b) => a * b, 1);
  const arrangements = orderingsPerValue ** (blocks.length - 1);
  let atLeast = 0;
  let total = 0;
  const tally = (arranged: readonly (readonly number[])[]) => {
    total++;
    if (kendallW(arranged) >= w - 1e-12) atLeast++;
  };
  if (arrangements <= EXACT_ARRANGEMENTS) {
    const orderings = blocks.map((block) => permutations(block));
    const walk = (k: number, arranged: number[][]): void => (k === blocks.length ? tally(arranged) : orderings[k]!.forEach((o) => walk(k + 1, [...arranged, o])));
    walk(1, [blocks[0]!]);
  } else {
    // Too many to list (n! orderings per value): draw each value's ordering by a Fisher–Yates shuffle.
    const random = createRandom(0x5eed);
    const shuffled = (block: readonly number[]) => {
      const out = [...block];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    for (let r = 0; r < RESAMPLES; r++) tally([blocks[0]!, ...blocks.slice(1).map(shuffled)]);
  }
  const pValue = atLeast / total;
  return { ...base, estimate: w, interval: [w, w], pValue, outcome: pValue < 1 - LEVEL ? 'held' : 'inconclusive' };
}

/** Several claims make one verdict: not held if any is not held, held if all hold, else inconclusive (null). */
export function combine(judgements: readonly Judgement[]): boolean | null {
  if (judgements.some((j) => j.outcome === 'not held')) return false;
  return judgements.length > 0 && judgements.every((j) => j.outcome === 'held') ? true : null;
}

/** "Spearman −0.93 [−1.00, −0.71], 5 seeds: held" */
export function describeJudgement(j: Judgement): string {
  const f = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1)) : '—');
  const interval = `[${f(j.interval[0])}, ${f(j.interval[1])}]`;
  const stat =
    j.statistic === 'interior-optimum-share'
      ? `${Math.round(j.estimate * 100)}% of resamples`
      : j.statistic === 'spearman'
        ? `Spearman ${f(j.estimate)} ${interval}`
        : j.statistic === 'kendall-w'
          ? `Kendall's W ${f(j.estimate)}${j.pValue === undefined ? '' : `, p = ${j.pValue < 0.001 ? j.pValue.toExponential(1) : j.pValue.toFixed(3)}`}`
          : `mean difference ${f(j.estimate)} ${interval}`;
  return `${j.claim}: ${stat}, ${j.seeds} seed${j.seeds === 1 ? '' : 's'}: ${j.outcome}`;
}
