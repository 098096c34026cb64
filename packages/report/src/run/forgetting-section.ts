import { summarize, type Analysis, type Series } from '@mgdl/forgetting';
import type { AnalysisSummaryMetrics, ForgettingMetrics } from './metrics.js';

export interface ForgettingSectionParts {
  series: Series;
  analysis: Analysis;
  /** The same statistics over the clean and over the noisy samples (runs that know their noisy labels). */
  split?: { clean: Analysis; noisy: Analysis };
  /** Settled M and its fluctuation per scale. */
  scales?: ForgettingMetrics['scales'];
}

// JSON writes NaN and ±Infinity as null: written so, they read back as what the schema says.
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * metrics.json's `forgetting` section, the one way a training run and `mgdl analyze`'s import
 * build it; write it with the run writer's `summarize('forgetting', …)`, which checks it against
 * `runMetricsSchema`, and read it with `readRunMetrics`.
 */
export function forgettingSection({ series, analysis, split, scales }: ForgettingSectionParts): ForgettingMetrics {
  const summary: AnalysisSummaryMetrics = summarize(analysis);
  return {
    series,
    ...summary,
    settledRatio: finiteOrNull(analysis.settled.system.value),
    settledAmplitude: finiteOrNull(analysis.settled.system.amplitude),
    mesoSettledRatio: analysis.settled.meso ? finiteOrNull(analysis.settled.meso.value.value) : null,
    regime: analysis.regime,
    ...(split ? { clean: summarize(split.clean), noisy: summarize(split.noisy) } : {}),
    ...(scales ? { scales } : {}),
  };
}
