import { HistoryError } from './errors.js';
import type { PerSampleEvent, PerSamplePlugin } from './kernel-shape.js';
import { requireInferencePass } from './inference-pass.js';
import { renamedStatisticsState } from './legacy-names.js';
import { History, SERIES, type FloatSeries, type Series } from './history.js';
import { analyze, type Analysis, type AnalyzeOptions } from './stats/analyze.js';

/** One series, or both recorded apart. */
export type RecordingMode = Series | 'both';

export interface ForgettingStatisticsOptions {
  /** Every training sample's id (e.g. the training Dataset's `ids`). */
  ids: Int32Array;
  /**
   * presentation: each sample's correctness when its batch is trained on (training mode, before
   * the update; Toneva et al.), one step per epoch. inference-pass: the whole training set in inference
   * mode after each epoch (needs the kernel's `inferencePass` option). both: two separate histories.
   */
  mode?: RecordingMode;
  /** Also keep these per-sample float series. */
  floats?: readonly FloatSeries[];
}

export interface ForgettingStatisticsPlugin extends PerSamplePlugin {
  /** The history of one series ('presentation' or 'inference-pass'). */
  history(series: Series): History;
  analyze(series: Series, options?: AnalyzeOptions): Analysis;
}

/** `names`' arrays of the event, in `into` (one object refilled by every batch: `record` reads it and keeps nothing). */
const floatsOf = (event: PerSampleEvent, names: readonly FloatSeries[], into: Partial<Record<FloatSeries, Float32Array>>) => {
  for (const name of names) into[name] = event[name];
  return into;
};

/**
 * Records per-sample correctness histories during training, for the forgetting statistics:
 * bit-packed, one step per epoch, restored exactly on resume.
 */
export function forgettingStatistics({ ids, mode = 'presentation', floats = [] }: ForgettingStatisticsOptions): ForgettingStatisticsPlugin {
  const series = mode === 'both' ? SERIES : [mode];
  const histories = new Map(series.map((s) => [s, new History({ ids, series: s, floats })]));
  const get = (s: Series): History => {
    const history = histories.get(s);
    if (!history) throw new HistoryError(`this forgettingStatistics plugin records '${mode}', not '${s}'`);
    return history;
  };
  let passesSeen = 0;
  const batchFloats: Partial<Record<FloatSeries, Float32Array>> = {};
  return {
    name: 'forgetting-statistics',
    perSample: histories.has('presentation'),
    onBatchEnd: histories.has('presentation')
      ? (event) => get('presentation').record(event.epoch, event.ids, event.correct!, floatsOf(event, floats, batchFloats))
      : undefined,
    onInferencePass: histories.has('inference-pass')
      ? (event) => {
          get('inference-pass').record(passesSeen++, event.ids, event.correct!, floatsOf(event, floats, batchFloats));
        }
      : undefined,
    onRunStart: (info) => {
      if (histories.has('inference-pass')) requireInferencePass(info, 'forgettingStatistics', "forgettingStatistics({ ids, mode: 'presentation' })");
    },
    // Typed arrays (kernel checkpoints store them as bytes); loadStateDict reads the base64 of older checkpoints too.
    stateDict: () => ({ passesSeen, histories: Object.fromEntries([...histories].map(([s, h]) => [s, h.toBinaryState()])) }),
    loadStateDict(state) {
      const saved = renamedStatisticsState(state);
      passesSeen = saved.passesSeen;
      for (const s of series) histories.set(s, History.fromState(saved.histories[s]));
    },
    history: get,
    analyze: (s, options) => analyze(get(s), options),
  };
}
