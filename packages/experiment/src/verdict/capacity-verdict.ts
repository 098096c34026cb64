import type { RunMetrics } from '@mgdl/report';
import type { CellResult } from '@mgdl/sweep';
import { aggregateBy, formatSpread, metric, type Aggregate, type MetricOf } from './conclude.js';
import { companionColumns, companionJudgements } from './companions.js';
import { combine, describeJudgement, holmAdjust, judgeInteriorMinimum, judgeTrend, type SeedPoint } from './index.js';
import type { Verdict } from '../runner/define.js';

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
 * rises (memorising takes over), and test loss is lowest in between. Each part is judged over the
 * seeds of the finished cells by the shared rule (verdict/): held, not held or inconclusive (null),
 * Holm-adjusted over the three parts; with fewer than five seeds or three values it is inconclusive.
 */
export function capacityVerdict(all: readonly CellResult<RunMetrics>[], { parameter, label, capacity }: CapacitySweep): Verdict {
  const results = all.filter((r) => r.status === 'done');
  const by = (get: MetricOf) => aggregateBy(results, parameter, get);
  const [train, test, accuracy, M, ratio] = [by((m) => m.train?.loss), by((m) => m.test?.loss), by((m) => m.test?.accuracy), by((m) => m.forgetting?.M), by((m) => m.forgetting?.settledRatio)];
  if (test.length === 0) return { held: null, text: 'no cell finished, so there is nothing to judge; see the failed cells above.' };
  const at = (aggregates: Aggregate[], x: number) => aggregates.find((a) => a.x === x);
  const regimes = (x: number) =>
    [...new Set(results.filter((r) => Number(r.values[parameter]) === x).map((r) => r.metrics?.forgetting?.regime ?? '—'))].join(' / ');
  const grows = capacity === 'grows';
  const points = (get: MetricOf): SeedPoint[] => results.map((r) => ({ x: Number(r.values[parameter]), seed: Number(r.values['seed'] ?? 0), y: metric(r, get) }));
  const judgements = holmAdjust([
    judgeTrend(`train loss ${grows ? 'falls' : 'rises'} with ${label}`, points((m) => m.train?.loss), grows ? 'falls' : 'rises'),
    judgeTrend(`settled M/F ${grows ? 'rises' : 'falls'} with ${label}`, points((m) => m.forgetting?.settledRatio), grows ? 'rises' : 'falls'),
    judgeInteriorMinimum(`test loss has an optimum in between`, points((m) => m.test?.loss)),
  ]);
  const companions = companionJudgements(results, parameter, label, grows ? 'rises' : 'falls');
  const besides = companionColumns(results, parameter);
  const best = test.reduce((a, b) => (b.mean < a.mean ? b : a), test[0]!);
  const [first, last] = [test[0]!.x, test.at(-1)!.x];
  return {
    held: combine(judgements),
    judgements,
    companions,
    text:
      `${judgements.map(describeJudgement).join('; ')}. Beside M/F (not part of the verdict): ${companions.map(describeJudgement).join('; ')}; ` +
      `regime ${regimes(first)} at ${label} ${first} and ${regimes(last)} at ${last}; lowest mean test loss at ${label} ${best.x}.`,
    table: {
      header: [label, 'train loss', 'test loss', 'test acc', 'M (last epoch)', 'M/F settled', ...besides.header, 'regime', 'runs'],
      rows: train.map((a) => [a.x, formatSpread(a), formatSpread(at(test, a.x)), formatSpread(at(accuracy, a.x)), formatSpread(at(M, a.x)), formatSpread(at(ratio, a.x)), ...besides.at(a.x), regimes(a.x), a.n]),
    },
  };
}
