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

const SET_NAMES = ['', 'S1', 'S2', 'S3'];

/** One row per sample: id, events, first-learned / learned-for-good / first-forgotten steps (−1 = never), final correctness, set. */
export function perSampleCsv(analysis: Analysis, noisyIds?: ReadonlySet<number>): string {
  const s = analysis.perSample;
  const lines = [`id,learning_events,forgetting_events,first_learned,learned_for_good,first_forgotten,final_correct,set${noisyIds ? ',noisy' : ''}`];
  for (let p = 0; p < s.ids.length; p++) {
    if (s.set[p] === 0) continue; // outside the analysed subset
    const id = s.ids[p]!;
    lines.push(
      `${id},${s.learningEvents[p]},${s.forgettingEvents[p]},${s.firstLearned[p]},${s.learnedForGood[p]},${s.firstForgotten[p]},${s.finalCorrect[p]},${SET_NAMES[s.set[p]!]}${noisyIds ? `,${noisyIds.has(id) ? 1 : 0}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
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
