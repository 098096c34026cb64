import type { BatchEndEvent, KernelPlugin, SweepEvent } from '@mgdl/kernel';
import { HistoryError } from './errors.js';
import { History, type FloatSeries } from './history.js';
import { analyze, type Analysis, type AnalyzeOptions } from './stats/analyze.js';

export type RecordingMode = 'presentation' | 'sweep' | 'both';

export interface ForgettingStatisticsOptions {
  /** Every training sample's id (e.g. the training Dataset's `ids`). */
  ids: Int32Array;
  /**
   * presentation: each sample's correctness when its batch is trained on (training mode, before
   * the update; Toneva et al.), one step per epoch. sweep: the whole training set in inference
   * mode after each epoch (needs the kernel's `sweep` option). both: two separate histories.
   */
  mode?: RecordingMode;
  /** Also keep these per-sample float series. */
  floats?: readonly FloatSeries[];
}

export interface ForgettingStatisticsPlugin extends KernelPlugin {
  /** The history of one series ('presentation' or 'sweep'). */
  history(series: 'presentation' | 'sweep'): History;
  analyze(series: 'presentation' | 'sweep', options?: AnalyzeOptions): Analysis;
}

const floatsOf = (event: BatchEndEvent | SweepEvent, names: readonly FloatSeries[]) =>
  Object.fromEntries(names.map((name) => [name, event[name]])) as Partial<Record<FloatSeries, Float32Array>>;

/**
 * Records per-sample correctness histories during training, for the forgetting statistics:
 * bit-packed, one step per epoch, restored exactly on resume.
 */
export function forgettingStatistics({ ids, mode = 'presentation', floats = [] }: ForgettingStatisticsOptions): ForgettingStatisticsPlugin {
  const series = mode === 'both' ? (['presentation', 'sweep'] as const) : ([mode] as const);
  const histories = new Map(series.map((s) => [s, new History({ ids, series: s, floats })]));
  const get = (s: 'presentation' | 'sweep'): History => {
    const history = histories.get(s);
    if (!history) throw new HistoryError(`this forgettingStatistics plugin records '${mode}', not '${s}'`);
    return history;
  };
  let sweepsSeen = 0;
  return {
    name: 'forgetting-statistics',
    perSample: histories.has('presentation'),
    onBatchEnd: histories.has('presentation')
      ? (event) => get('presentation').record(event.epoch, event.ids, event.correct!, floatsOf(event, floats))
      : undefined,
    onSweep: histories.has('sweep')
      ? (event) => {
          get('sweep').record(sweepsSeen++, event.ids, event.correct!, floatsOf(event, floats));
        }
      : undefined,
    onRunEnd: () => {
      if (histories.has('sweep') && get('sweep').steps === 0) {
        process.emitWarning("forgettingStatistics recorded no sweeps: pass train({ sweep: { data } }) to record the 'sweep' series");
      }
    },
    stateDict: () => ({ sweepsSeen, histories: Object.fromEntries([...histories].map(([s, h]) => [s, h.toState()])) }),
    loadStateDict(state) {
      const saved = state as { sweepsSeen: number; histories: Record<string, unknown> };
      sweepsSeen = saved.sweepsSeen;
      for (const s of series) histories.set(s, History.fromState(saved.histories[s] as Parameters<typeof History.fromState>[0]));
    },
    history: get,
    analyze: (s, options) => analyze(get(s), options),
  };
}
