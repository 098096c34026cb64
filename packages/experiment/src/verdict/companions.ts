import type { RunMetrics } from '@mgdl/report';
import type { CellResult } from '@mgdl/sweep';
import { aggregateBy, formatSpread, metric, type Aggregate, type MetricOf } from './conclude.js';
import { exploratory, judgeTrend, type Judgement, type SeedPoint } from './index.js';

/**
 * What a reviewer asks for beside M/F over S3 (the seed paper's critique: "M/F over S3 is just the
 * odds of being correct at the end"): the share of samples never forgotten once learned (S2), the
 * forgetting events per sample, and the odds of correctness over S3 at the last step, M/(1 − M) —
 * by definition the last-step M/F. They are judged beside the claim, never combined into it, so
 * a verdict shows whether the settled M/F says anything they do not.
 */
export const COMPANIONS = [
  { key: 's2Share', label: 'S2 share', get: ((m) => (m.forgetting ? m.forgetting.S2 / m.forgetting.samples : undefined)) as MetricOf, memorising: 'rises' },
  { key: 'eventsPerSample', label: 'forgetting events per sample', get: ((m) => (m.forgetting ? m.forgetting.events / m.forgetting.samples : undefined)) as MetricOf, memorising: 'falls' },
  { key: 'finalOdds', label: 'final-step odds over S3', get: ((m) => (m.forgetting?.M == null || m.forgetting.M >= 1 ? undefined : m.forgetting.M / (1 - m.forgetting.M))) as MetricOf, memorising: 'rises' },
] as const;

/**
 * Each companion statistic judged as a trend over `parameter` by the shared rule, in the direction
 * that agrees with the claimed M/F trend (M/F rising means memorising gains: S2 share and final
 * odds rise, forgetting events per sample fall). Exploratory: they answer a reviewer's question
 * beside the claim, so they are neither adjusted with the claim's parts nor combined into its verdict.
 */
export function companionJudgements(results: readonly CellResult<RunMetrics>[], parameter: string, label: string, ratioTrend: 'rises' | 'falls'): Judgement[] {
  const done = results.filter((r) => r.status === 'done');
  return exploratory(COMPANIONS.map(({ label: name, get, memorising }) => {
    const direction = ratioTrend === 'rises' ? memorising : memorising === 'rises' ? 'falls' : 'rises';
    const points: SeedPoint[] = done.map((r) => ({ x: Number(r.values[parameter]), seed: Number(r.values['seed'] ?? 0), y: metric(r, get) }));
    return judgeTrend(`${name} ${direction} with ${label}`, points, direction);
  }));
}

/** The companions' table columns for one value of `parameter`: `formatSpread` over seeds. */
export function companionColumns(results: readonly CellResult<RunMetrics>[], parameter: string): { header: string[]; at: (x: number) => string[] } {
  const aggregates = COMPANIONS.map(({ get }) => aggregateBy(results, parameter, get));
  const find = (rows: Aggregate[], x: number) => rows.find((a) => a.x === x);
  return { header: COMPANIONS.map((c) => c.label), at: (x) => aggregates.map((rows) => formatSpread(find(rows, x))) };
}
