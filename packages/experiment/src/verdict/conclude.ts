import type { MeanInterval, RunMetrics } from '@mgdl/report';
import type { CellResult } from '@mgdl/sweep';
import { studentT } from './stats/location.js';
import { LEVEL, MIN_SEEDS } from './judgement.js';

/** One number of a cell's metrics, chosen by a typed accessor (e.g. `(m) => m.test?.loss`). */
export type MetricOf = (metrics: RunMetrics) => number | null | undefined;

/** The number `get` picks from a cell's metrics.json; NaN where it is absent. */
export function metric(result: CellResult<RunMetrics>, get: MetricOf): number {
  const value = result.metrics ? get(result.metrics) : undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

/** A metric over the cells sharing one value of a grid key (over seeds): mean, 95% t-interval, sample std, n, and the smallest and largest value. */
export interface Aggregate extends MeanInterval {
  x: number;
  min: number;
  max: number;
}

/** The aggregate of the finite `values` at `x`; one value has no interval (low = high = mean), none gives NaN throughout. */
export function aggregate(x: number, values: readonly number[]): Aggregate {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { x, mean: Number.NaN, low: Number.NaN, high: Number.NaN, std: Number.NaN, n, min: Number.NaN, max: Number.NaN };
  const [min, max] = [Math.min(...finite), Math.max(...finite)];
  if (n === 1) return { x, mean: finite[0]!, low: finite[0]!, high: finite[0]!, std: 0, n, min, max };
  const { mean, sd, interval } = studentT(finite, LEVEL);
  return { x, mean, low: interval[0], high: interval[1], std: sd, n, min, max };
}

/** Mean and 95% t-interval of a metric over the finished cells sharing a value of `by` (e.g. over seeds). */
export function aggregateBy(results: readonly CellResult<RunMetrics>[], by: string, get: MetricOf): Aggregate[] {
  const groups = new Map<number, number[]>();
  for (const result of results) {
    if (result.status !== 'done') continue; // a failed or unfinished cell's metrics are partial
    const x = Number(result.values[by]);
    const y = metric(result, get);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    groups.set(x, [...(groups.get(x) ?? []), y]);
  }
  return [...groups]
    .sort(([a], [b]) => a - b)
    .map(([x, ys]) => aggregate(x, ys));
}

/** The rank of each value (0 for the smallest), ties sharing their mean rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rank correlation: +1 when y rises with x everywhere, −1 when it falls. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const [rx, ry] = [averageRanks(xs), averageRanks(ys)];
  const mean = (r: number[]) => r.reduce((a, b) => a + b, 0) / r.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let [num, dx, dy] = [0, 0, 0];
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - mx) * (ry[i]! - my);
    dx += (rx[i]! - mx) ** 2;
    dy += (ry[i]! - my) ** 2;
  }
  return dx === 0 || dy === 0 ? Number.NaN : num / Math.sqrt(dx * dy);
}

/**
 * `mean [low, high]`: the mean over seeds and its 95% t-interval, from five seeds on (the rule's
 * minimum); with two to four seeds `mean (range min to max)`, an interval nobody should read as
 * 95%; just the mean for one run, `—` for none.
 */
export function formatSpread(a: Aggregate | undefined, digits = 3): string {
  if (!a || a.n === 0) return '—';
  const f = (v: number) => v.toFixed(digits);
  if (a.n === 1) return f(a.mean);
  return a.n >= MIN_SEEDS ? `${f(a.mean)} [${f(a.low)}, ${f(a.high)}]` : `${f(a.mean)} (range ${f(a.min)} to ${f(a.max)})`;
}
