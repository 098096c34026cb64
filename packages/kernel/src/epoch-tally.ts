import type { EpochMetrics } from './types.js';

/** What the kernel adds up over one epoch's batches; saved in checkpoints so a mid-epoch resume reports the same epoch. */
export interface EpochTally {
  /** Σ batch mean loss × batch size. */
  lossSum: number;
  correct: number;
  samples: number;
  batches: number;
  /** Seconds spent in training steps (not evaluation). */
  seconds: number;
  /** Σ of each plugin loss term's batch value. */
  termSums: Record<string, number>;
  /** The learning rate of the epoch's last step. */
  lastLearningRate?: number;
}

export const emptyTally = (): EpochTally => ({ lossSum: 0, correct: 0, samples: 0, batches: 0, seconds: 0, termSums: {} });

/** Adds one step's results. */
export function addStep(tally: EpochTally, step: { meanLoss: number; correct: number; samples: number; terms: Record<string, number>; learningRate: number }): void {
  tally.lossSum += step.meanLoss * step.samples;
  tally.correct += step.correct;
  tally.samples += step.samples;
  tally.batches++;
  for (const [name, value] of Object.entries(step.terms)) tally.termSums[name] = (tally.termSums[name] ?? 0) + value;
  tally.lastLearningRate = step.learningRate;
}

/** The epoch's metrics from its tally, before any evaluation: `learningRate` stands in when no step was taken. */
export function epochMetricsOf(epoch: number, step: number, tally: EpochTally, classification: boolean, learningRate: number): EpochMetrics {
  const { samples, seconds } = tally;
  return {
    epoch,
    step,
    train: { loss: tally.lossSum / samples, ...(classification ? { accuracy: tally.correct / samples } : {}), samples, samplesPerSec: samples / seconds, seconds },
    terms: Object.fromEntries(Object.entries(tally.termSums).map(([name, sum]) => [name, sum / tally.batches])),
    learningRate: tally.lastLearningRate ?? learningRate,
  };
}

/** Whether end-of-epoch work (an evaluation, an inference pass) is due after 0-based `epoch`: every `every`-th epoch and the last, or the listed 1-based epochs. */
export const isDue = (epoch: number, epochs: number, every: number | readonly number[] | undefined): boolean =>
  typeof every === 'object' ? every.includes(epoch + 1) : (epoch + 1) % (every ?? 1) === 0 || epoch === epochs - 1;

/** Checkpoints before 0.2 kept the tally as a string-keyed record ('loss', 'term:<name>', …). */
export function tallyFromCheckpoint(saved: EpochTally | Record<string, number>): EpochTally {
  if ('termSums' in saved) return saved as EpochTally;
  const old = saved as Record<string, number>;
  const termSums = Object.fromEntries(Object.entries(old).filter(([key]) => key.startsWith('term:')).map(([key, sum]) => [key.slice(5), sum]));
  return { lossSum: old['loss'] ?? 0, correct: old['correct'] ?? 0, samples: old['samples'] ?? 0, batches: old['batches'] ?? 0, seconds: old['seconds'] ?? 0, termSums, ...(old['lastLearningRate'] !== undefined ? { lastLearningRate: old['lastLearningRate'] } : {}) };
}

/**
 * The epoch metrics under their name and under `history`, their name before 0.2 (kept for one
 * release: `history` now means only @mgdl/forgetting's per-sample History). Every RunInfo,
 * RunSummary and StepContext the kernel makes spreads this.
 */
export function epochMetricsFields<L extends readonly EpochMetrics[]>(epochMetrics: L): { epochMetrics: L; history: L } {
  return { epochMetrics, history: epochMetrics };
}
