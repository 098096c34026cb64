import { signFlip, studentT } from './stats/location.js';
import { seedGrid } from './grid.js';
import { judgement, orOne, type Judgement, type SeedPoint, type SeedValue, type TestResult } from './judgement.js';

/** One seed's paired difference between two arms (e.g. arm − control with the same seed); several per seed are averaged. */
export interface SeedDifference {
  seed: number;
  y: number;
}

/**
 * Is the difference between two arms that share seeds positive (or negative)? Each seed's
 * difference (the mean of its differences, where it has several) is one replicate; the exact
 * sign-flip test decides (it needs no normality; at five seeds its smallest p is 1/32), the
 * mean and its t-interval are printed beside it.
 */
export function judgePairedDifference(claim: string, differences: readonly SeedDifference[], direction: 'positive' | 'negative'): Judgement {
  const bySeed = new Map<number, number[]>();
  for (const { seed, y } of differences) if (Number.isFinite(y)) bySeed.set(seed, [...(bySeed.get(seed) ?? []), y]);
  const perSeed = [...bySeed].sort(([a], [b]) => a - b).map(([seed, ys]) => ({ seed, value: ys.reduce((a, b) => a + b, 0) / ys.length }));
  const tests: TestResult[] = [];
  let test = 'sign-flip';
  if (perSeed.length > 0) {
    const flip = signFlip(perSeed.map((s) => s.value));
    test = `sign-flip (${flip.exact ? `exact, 2^${perSeed.length} assignments` : '10,000 random assignments'})`;
    tests.push({ name: test, statistic: perSeed.reduce((a, s) => a + s.value, 0), pValue: direction === 'positive' ? flip.above : flip.below, pAgainst: direction === 'positive' ? flip.below : flip.above });
  }
  return judgement({ claim, statistic: 'paired-difference', perSeed, sign: direction === 'positive' ? 1 : -1, test, tests });
}

/** One-sided paired t of "the end is higher than the interior value" (p above) over seeds. */
const pairedT = (ends: readonly number[], interior: readonly number[]) => studentT(ends.map((e, s) => e - interior[s]!));

/**
 * Is y lowest strictly inside the swept range? For each interior value, the fall (first value −
 * it) and the rise (last value − it) are each tested, one-sided and paired by seed (Student's t),
 * and both must hold there: its p is the larger of the two. Holm over the interior values: the
 * claim's p is the smallest value's p times their number. It does not hold when, at every
 * interior value, an end is lower (the smaller of the two ends' p, doubled, at every value).
 * The per-seed statistic is, at the value tested, the smaller of the seed's fall and rise.
 */
export function judgeInteriorMinimum(claim: string, points: readonly SeedPoint[]): Judgement {
  const { xs, seeds, rows } = seedGrid(points);
  const column = (i: number) => rows.map((row) => row[i]!);
  const candidates = xs.slice(1, -1).map((x, k) => {
    const i = k + 1;
    const [fall, rise] = [pairedT(column(0), column(i)), pairedT(column(xs.length - 1), column(i))];
    const pValue = Math.max(orOne(fall.p.above), orOne(rise.p.above));
    const pAgainst = Math.min(1, 2 * Math.min(orOne(fall.p.below), orOne(rise.p.below)));
    const meanY = column(i).reduce((a, b) => a + b, 0) / seeds.length;
    return { x, i, fall, rise, pValue, pAgainst, meanY };
  });
  if (candidates.length === 0 || seeds.length === 0) return judgement({ claim, statistic: 'interior-optimum', perSeed: [], sign: 1, test: 'paired t of the fall and the rise, Holm over the interior values', tests: [] });
  // The value with the smallest p (the lowest mean among equals) is the one tested; Holm's first step multiplies by the number of candidates.
  const best = candidates.reduce((a, b) => (b.pValue < a.pValue || (b.pValue === a.pValue && b.meanY < a.meanY) ? b : a));
  const m = candidates.length;
  const perSeed: SeedValue[] = seeds.map((seed, s) => ({ seed, value: Math.min(rows[s]![0]! - rows[s]![best.i]!, rows[s]![xs.length - 1]! - rows[s]![best.i]!) }));
  const tests: TestResult[] = [
    { name: `fall from ${xs[0]} to ${best.x} (paired t)`, statistic: best.fall.t, pValue: best.fall.p.above, pAgainst: best.fall.p.below },
    { name: `rise from ${best.x} to ${xs.at(-1)} (paired t)`, statistic: best.rise.t, pValue: best.rise.p.above, pAgainst: best.rise.p.below },
    { name: `Holm over ${m} interior value${m === 1 ? '' : 's'}`, statistic: m, pValue: Math.min(1, m * best.pValue), pAgainst: Math.max(...candidates.map((c) => c.pAgainst)) },
  ];
  // The fall and rise rows are printed; the Holm row, which contains them, decides.
  return judgement({ claim, statistic: 'interior-optimum', perSeed, sign: 1, test: 'paired t of the fall and the rise, Holm over the interior values', tests, deciding: [tests[2]!], at: best.x });
}
