import { meanInterval, type MeanInterval, type RunMetrics } from '@mgdl/report';
import type { CellResult } from '@mgdl/sweep';

/** One number of a cell's metrics, chosen by a typed accessor (e.g. `(m) => m.test?.loss`). */
export type MetricOf = (metrics: RunMetrics) => number | null | undefined;

/** The number `get` picks from a cell's metrics.json; NaN where it is absent. */
export function metric(result: CellResult<RunMetrics>, get: MetricOf): number {
  const value = result.metrics ? get(result.metrics) : undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

/** A metric over the cells sharing one value of a grid key: `meanInterval` of @mgdl/report (mean, 95% t-interval, sample std, n). */
export interface Aggregate extends MeanInterval {
  x: number;
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
    .map(([x, ys]) => ({ x, ...meanInterval(ys) }));
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

/** `mean [low, high]`: the mean over seeds and its 95% t-interval; just the mean for one run, `—` for none. */
export const formatSpread = (a: Aggregate | undefined, digits = 3): string => (a ? (a.n > 1 ? `${a.mean.toFixed(digits)} [${a.low.toFixed(digits)}, ${a.high.toFixed(digits)}]` : a.mean.toFixed(digits)) : '—');
