import type { History } from '../history.js';
import { analyze, type Analysis, type AnalyzeOptions } from './analyze.js';

/** The fixed JSON shape `mgdl analyze --json` prints. */
export interface AnalysisSummary {
  samples: number;
  steps: number;
  S1: number;
  S2: number;
  S3: number;
  /** M and F at the last step over S3; null when S3 is empty. */
  M: number | null;
  F: number | null;
  /** M/F at the last step; null when F = 0 or S3 is empty. */
  ratio: number | null;
  /** Total forgetting events. */
  events: number;
  /** |S2|. */
  unforgettable: number;
}

export function summarize(analysis: Analysis): AnalysisSummary {
  return {
    samples: analysis.samples,
    steps: analysis.steps,
    S1: analysis.sets.S1,
    S2: analysis.sets.S2,
    S3: analysis.sets.S3,
    M: analysis.final.M,
    F: analysis.final.F,
    ratio: analysis.final.ratio,
    events: analysis.forgettingEvents,
    unforgettable: analysis.sets.S2,
  };
}

/** The analysis of all samples, and separately of the clean and the noisy ones (by id). */
export function analyzeByNoise(history: History, noisyIds: ReadonlySet<number>, options: Omit<AnalyzeOptions, 'only'> = {}): { all: Analysis; clean: Analysis; noisy: Analysis } {
  const ids = Array.from(history.ids);
  return {
    all: analyze(history, options),
    clean: analyze(history, { ...options, only: ids.filter((id) => !noisyIds.has(id)) }),
    noisy: analyze(history, { ...options, only: ids.filter((id) => noisyIds.has(id)) }),
  };
}
