import { averageRanks, spearman } from './conclude.js';
import { studentT } from './stats/location.js';
import { pageTest } from './stats/page.js';
import { seedGrid } from './grid.js';
import { judgement, type Judgement, type SeedPoint, type TestResult } from './judgement.js';

type Direction = 'rises' | 'falls';

/** A trend needs this many swept values (that every seed reached) to be tested; with two, the seeds are only counted. */
const MIN_VALUES = 3;

/** Each seed's Spearman coefficient of y against x (a seed whose y is all tied has no order: 0); none below two values. */
function perSeedSpearman(points: readonly SeedPoint[]) {
  const grid = seedGrid(points);
  const perSeed = grid.xs.length < 2 ? [] : grid.rows.map((row, s) => ({ seed: grid.seeds[s]!, value: spearman(grid.xs, row) || 0 }));
  return { grid, perSeed, testable: grid.xs.length >= MIN_VALUES };
}

/** Student's t on the per-seed coefficients, oriented by the claimed direction. */
function tOnSpearman(values: readonly number[], direction: Direction): TestResult {
  const t = values.length > 1 ? studentT(values) : undefined;
  const [up, down] = [t?.p.above ?? Number.NaN, t?.p.below ?? Number.NaN];
  return { name: 't on per-seed Spearman', statistic: t?.t ?? Number.NaN, pValue: direction === 'rises' ? up : down, pAgainst: direction === 'rises' ? down : up };
}

/**
 * Does y rise (or fall) with x across separately trained cells? Two tests, both required:
 * Page's test of the ordered alternative (seeds as blocks; exact up to 8 swept values, normal
 * approximation beyond), exact when the seeds' orderings are exchangeable, and Student's t on the
 * per-seed Spearman coefficients, which also guards against seeds with trends of their own that
 * average out. Fewer than 3 swept values (that every seed reached) are not tested.
 */
export function judgeTrend(claim: string, points: readonly SeedPoint[], direction: Direction): Judgement {
  const { grid, perSeed, testable } = perSeedSpearman(points);
  const tests: TestResult[] = [];
  if (testable && perSeed.length > 0) {
    const page = pageTest(grid.rows, averageRanks);
    tests.push({ name: `Page L (${page.exact ? 'exact' : 'normal approximation'})`, statistic: page.L, pValue: direction === 'rises' ? page.above : page.below, pAgainst: direction === 'rises' ? page.below : page.above });
    tests.push(tOnSpearman(perSeed.map((s) => s.value), direction));
  }
  return judgement({ claim, statistic: 'spearman', perSeed, sign: direction === 'rises' ? 1 : -1, test: 'Page and t on per-seed Spearman (both)', tests });
}

/**
 * Does y rise (or fall) along the epochs of each run? The epochs of one run are not independent
 * replicates (each continues the last), so only the seeds replicate: each seed's Spearman
 * coefficient over the epochs, and Student's t on them.
 */
export function judgeTrendAlongEpochs(claim: string, points: readonly SeedPoint[], direction: Direction): Judgement {
  const { perSeed, testable } = perSeedSpearman(points);
  const tests = testable ? [tOnSpearman(perSeed.map((s) => s.value), direction)] : [];
  return judgement({ claim, statistic: 'spearman', perSeed, sign: direction === 'rises' ? 1 : -1, test: 't on per-seed Spearman', tests });
}
