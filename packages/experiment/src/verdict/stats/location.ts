import { createRandom } from '@mgdl/random';
import { studentTQuantile, studentTUpper } from './distributions.js';

/** One-sided p-values of a test: of the claimed direction (`above`: the location is > 0) and of the opposite one. */
export interface OneSidedP {
  above: number;
  below: number;
}

/** Mean, sample standard deviation, the two-sided t-interval at `level`, and Student's one-sample t-test of mean 0. */
export interface TSummary {
  n: number;
  mean: number;
  sd: number;
  interval: [number, number];
  t: number;
  p: OneSidedP;
}

/** Student's t over independent values (one per seed). With a zero spread the interval is the mean and the p-value 0 or 1. */
export function studentT(values: readonly number[], level = 0.95): TSummary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: Number.NaN, interval: [Number.NaN, Number.NaN], t: Number.NaN, p: { above: Number.NaN, below: Number.NaN } };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * se;
  const t = se === 0 ? (mean === 0 ? 0 : mean * Infinity) : mean / se;
  return { n, mean, sd, interval: [mean - half, mean + half], t, p: { above: studentTUpper(t, n - 1), below: studentTUpper(-t, n - 1) } };
}

/** Up to 2^16 sign assignments the sign-flip p-value is exact; beyond, this many seeded random ones. */
const EXACT_SEEDS = 16;
const DRAWS = 10_000;

/**
 * The sign-flip (randomisation) test of a symmetric location 0: the share of the 2^n ways of
 * flipping the values' signs whose sum is at least (for `above`) or at most (`below`) the observed
 * one. Exact up to 16 values; beyond, 10,000 seeded random flips with p = (1 + as extreme) / (1 + draws),
 * so a Monte Carlo p-value is never 0. The smallest exact p-value is 2^−n: 1/32 at five seeds.
 */
export function signFlip(values: readonly number[]): OneSidedP & { exact: boolean } {
  const n = values.length;
  const observed = values.reduce((a, b) => a + b, 0);
  // Sums equal up to rounding count as equal, so that flipping a zero or reordering additions changes nothing.
  const tolerance = 1e-9 * values.reduce((a, v) => a + Math.abs(v), 0);
  let [above, below] = [0, 0];
  const tally = (sum: number) => {
    if (sum >= observed - tolerance) above++;
    if (sum <= observed + tolerance) below++;
  };
  if (n <= EXACT_SEEDS) {
    const total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -values[i]! : values[i]!;
      tally(sum);
    }
    return { above: above / total, below: below / total, exact: true };
  }
  const random = createRandom(0x5eed);
  for (let d = 0; d < DRAWS; d++) tally(values.reduce((a, v) => a + (random() < 0.5 ? -v : v), 0));
  return { above: (1 + above) / (1 + DRAWS), below: (1 + below) / (1 + DRAWS), exact: false };
}

/** Holm's step-down adjustment: each p-value × the number of hypotheses not yet rejected, kept monotone and ≤ 1. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
