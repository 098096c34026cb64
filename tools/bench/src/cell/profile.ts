import type { EpochMetrics, KernelPlugin } from '@mgdl/kernel';

/** Where a cell's wall time went, in seconds. */
export interface CellProfile {
  /** From the cell's start to training's start: data loading, subset, model, recorder. */
  setup: number;
  /** The training steps as the kernel times them (train.seconds: step, scalars and per-sample download). */
  steps: number;
  /** Per batch, outside the step: batching and the plugins' onBatchEnd (forgetting, scores, recorder). */
  batchRest: number;
  /** After each epoch's last batch until its metrics arrive: the test (and validation) evaluation. */
  evaluation: number;
  /** From the epoch's metrics to the next epoch's start: the plugins' onEpochEnd and the checkpoint. */
  epochEnd: number;
  /** After training: the forgetting analysis and the run directory's files. */
  wrapUp: number;
  total: number;
  /** At the last epoch, to check that both sides learned alike. */
  testAccuracy: number | null;
}

/**
 * An observer plugin timing a cell's phases from its hook calls; it runs last ('post'), so each
 * batch's stamp comes after the other plugins' onBatchEnd.
 */
export function cellProfiler(start: number): KernelPlugin & { profile(end: number): CellProfile } {
  const seconds = (from: number, to: number) => (to - from) / 1000;
  const totals = { setup: 0, steps: 0, epochTrain: 0, evaluation: 0, epochEnd: 0 };
  let [epochStart, lastBatch, epochEnd, runEnd] = [start, start, start, start];
  let testAccuracy: number | null = null;
  return {
    name: 'bench-cell-profiler',
    enforce: 'post',
    order: Number.MAX_SAFE_INTEGER,
    onRunStart: () => void (totals.setup = seconds(start, performance.now())),
    onEpochStart() {
      epochStart = performance.now();
      if (epochEnd !== start) totals.epochEnd += seconds(epochEnd, epochStart);
    },
    onBatchEnd: () => void (lastBatch = performance.now()),
    onEpochEnd(metrics: EpochMetrics) {
      epochEnd = performance.now();
      totals.steps += metrics.train.seconds;
      totals.epochTrain += seconds(epochStart, lastBatch);
      totals.evaluation += seconds(lastBatch, epochEnd);
      testAccuracy = metrics.test?.accuracy ?? null;
    },
    onRunEnd() {
      runEnd = performance.now();
      totals.epochEnd += seconds(epochEnd, runEnd);
    },
    profile: (end) => ({
      setup: totals.setup,
      steps: totals.steps,
      batchRest: totals.epochTrain - totals.steps,
      evaluation: totals.evaluation,
      epochEnd: totals.epochEnd,
      wrapUp: seconds(runEnd, end),
      total: seconds(start, end),
      testAccuracy,
    }),
  };
}
