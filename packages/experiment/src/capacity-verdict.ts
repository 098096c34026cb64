import type { RunMetrics } from '@mgdl/report';
import type { CellResult } from '@mgdl/sweep';
import { aggregateBy, formatSpread, spearman, type Aggregate, type MetricOf } from './conclude.js';
import type { Verdict } from './define.js';

export interface CapacitySweep {
  /** The swept grid key, e.g. 'width', 'dropout', 'l2'. */
  parameter: string;
  /** How it reads in the verdict, e.g. 'width', 'dropout rate', 'λ'. */
  label: string;
  /** Whether more of the parameter means more model capacity (width) or less (dropout, L2). */
  capacity: 'grows' | 'shrinks';
}

/**
 * The seed's claim for width, dropout and L2 alike: as capacity grows, training loss falls, M/F
 * rises (memorising takes over), and test loss is lowest in between. Judged on the seed means of
 * finished cells; with fewer than three values a rank trend means nothing, so the verdict is null.
 */
export function capacityVerdict(all: readonly CellResult<RunMetrics>[], { parameter, label, capacity }: CapacitySweep): Verdict {
  const results = all.filter((r) => r.status === 'done');
  const by = (get: MetricOf) => aggregateBy(results, parameter, get);
  const [train, test, accuracy, M, ratio] = [by((m) => m.train?.loss), by((m) => m.test?.loss), by((m) => m.test?.accuracy), by((m) => m.forgetting?.M), by((m) => m.forgetting?.settledRatio)];
  if (test.length === 0) return { held: null, text: 'no cell finished, so there is nothing to judge; see the failed cells above.' };
  const at = (aggregates: Aggregate[], x: number) => aggregates.find((a) => a.x === x);
  const regimes = (x: number) =>
    [...new Set(results.filter((r) => Number(r.values[parameter]) === x).map((r) => r.metrics?.forgetting?.regime ?? '—'))].join(' / ');
  const sign = capacity === 'grows' ? 1 : -1;
  const trainTrend = spearman(train.map((a) => a.x), train.map((a) => a.mean));
  const ratioTrend = spearman(ratio.map((a) => a.x), ratio.map((a) => a.mean));
  const best = test.reduce((a, b) => (b.mean < a.mean ? b : a), test[0]!);
  const interiorMinimum = test.length > 2 && best.x !== test[0]!.x && best.x !== test.at(-1)!.x;
  const [first, last] = [test[0]!.x, test.at(-1)!.x];
  const held = Math.min(train.length, ratio.length, test.length) < 3 ? null : sign * trainTrend < -0.5 && sign * ratioTrend > 0.5 && interiorMinimum;
  return {
    held,
    text:
      `train loss vs ${label}: Spearman ${trainTrend.toFixed(2)}; settled M/F vs ${label}: Spearman ${ratioTrend.toFixed(2)}; ` +
      `regime ${regimes(first)} at ${label} ${first} and ${regimes(last)} at ${last}; ` +
      `lowest test loss at ${label} ${best.x} (${interiorMinimum ? 'an interior value: test loss falls then rises' : 'an end of the range: no optimum in between at this scale'}).`,
    table: {
      header: [label, 'train loss', 'test loss', 'test acc', 'M (last epoch)', 'M/F settled', 'regime', 'runs'],
      rows: train.map((a) => [a.x, formatSpread(a), formatSpread(at(test, a.x)), formatSpread(at(accuracy, a.x)), formatSpread(at(M, a.x)), formatSpread(at(ratio, a.x)), regimes(a.x), a.n]),
    },
  };
}
