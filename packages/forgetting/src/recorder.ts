import { HistoryError } from './errors.js';
import { SERIES, type History, type Series } from './history.js';
import { perSampleEvent, type CorrectnessUpdate, type RecorderUpdate, type ScoredUpdate } from './per-sample-event.js';
import { forgettingStatistics, type ForgettingStatisticsPlugin, type RecordingMode } from './plugin.js';
import { analyze, type Analysis, type AnalyzeOptions } from './stats/analyze.js';
import { base64Arrays } from './state-arrays.js';
import { aum, type AumPlugin, type AumResult } from './dynamics/aum.js';
import { dataMaps, type DataMap, type DataMapsPlugin, type RegionThresholds } from './dynamics/data-maps.js';
import { el2n, type El2nEpochs, type El2nPlugin, type El2nResult } from './dynamics/el2n.js';

export interface DynamicsRecorderOptions {
  /** Every training sample's integer id (a Dataset's `ids`). Give this or `names`. */
  ids?: Int32Array | readonly number[];
  /** Every training sample's name (string ids): sample i gets integer id i. */
  names?: readonly string[];
  /**
   * presentation (default): `update` is each batch's training-mode forward pass before the
   * optimizer step (Toneva et al.); inference-pass: `update` calls of one epoch together cover the
   * training set in inference mode; both: `update` records presentations, `inferencePass` the other series.
   */
  mode?: RecordingMode;
}

export interface DynamicsRecorder {
  readonly ids: Int32Array;
  readonly names?: readonly string[];
  readonly mode: RecordingMode;
  /** The current 0-based epoch of `update` calls without an explicit `epoch`. */
  readonly epoch: number;
  /** Records one batch; with mode 'inference-pass' it records into that series instead. */
  update(batch: RecorderUpdate | CorrectnessUpdate | ScoredUpdate): void;
  /** Records one pass over the training set in inference mode (mode 'both' or 'inference-pass'), after epoch `epoch` (default: the last one ended). */
  inferencePass(pass: RecorderUpdate | CorrectnessUpdate | ScoredUpdate): void;
  /** Ends the current epoch: later `update` calls without an `epoch` belong to the next one. */
  endEpoch(): void;
  /** JSON-serialisable state (histories, every statistic, the epoch), to save with your checkpoints. */
  stateDict(): unknown;
  /** Continues exactly from a `stateDict()` of a recorder made with the same options. */
  loadStateDict(state: unknown): void;
  history(series?: Series): History;
  analyze(series?: Series, options?: AnalyzeOptions): Analysis;
  /** Confidence / variability / correctness per sample (needs logits or probabilities). */
  dataMap(series?: Series, thresholds?: Partial<RegionThresholds>): DataMap | undefined;
  /** Mean margin per sample (needs logits, probabilities or margins). */
  aum(series?: Series): AumResult | undefined;
  /** EL2N per sample, mean over epochs by default (needs logits or probabilities). */
  el2n(series?: Series, epochs?: El2nEpochs): El2nResult | undefined;
  /** Which series this recorder fills. */
  readonly series: readonly Series[];
}

interface SeriesPlugins {
  stats: ForgettingStatisticsPlugin;
  maps: DataMapsPlugin;
  margins: AumPlugin;
  scores: El2nPlugin;
  /** Which of maps / margins / scores received values. */
  got: { maps: boolean; margins: boolean; scores: boolean };
}

/**
 * Records per-sample training dynamics from any training loop — the user calls
 * `update({ ids, logits | probabilities, labels })` once per batch, as with AUM's
 * `AUMCalculator.update` — and feeds the same plugins the kernel feeds (forgetting histories, data
 * maps, AUM, EL2N), so every analysis, report and file format of mgdl applies. Per sample it
 * computes exactly what the kernel computes: correct = 1[argmax = label] (first maximum on ties),
 * loss = −log softmax[label], p(gold), margin = logit[label] − max other logit, EL2N = ‖softmax − onehot‖₂.
 * From probabilities, the margin is taken on log-probabilities, which equals the logit margin.
 */
export function dynamicsRecorder({ ids, names, mode = 'presentation' }: DynamicsRecorderOptions): DynamicsRecorder {
  if ((ids === undefined) === (names === undefined)) throw new HistoryError('dynamicsRecorder: give ids (integers) or names (strings), one per training sample');
  if (!(mode === 'both' || (SERIES as readonly string[]).includes(mode))) throw new HistoryError(`dynamicsRecorder: unknown mode '${String(mode)}'`, {}, "expected 'presentation', 'inference-pass' or 'both'");
  const sampleIds = ids ? Int32Array.from(ids) : Int32Array.from({ length: names!.length }, (_, i) => i);
  const nameIndex = names ? new Map(names.map((name, i) => [name, i])) : undefined;
  if (names && nameIndex!.size !== names.length) {
    const seen = new Set<string>();
    const twice = names.find((name) => (seen.has(name) ? true : (seen.add(name), false)));
    throw new HistoryError(`dynamicsRecorder: name '${twice}' appears twice`, {}, 'names must be distinct');
  }
  const series: Series[] = mode === 'both' ? [...SERIES] : [mode];
  const plugins = new Map<Series, SeriesPlugins>(
    series.map((s) => [
      s,
      {
        stats: forgettingStatistics({ ids: sampleIds, mode: s, floats: ['loss', 'margin', 'pGold'] }),
        maps: dataMaps({ source: s }),
        margins: aum({ source: s }),
        scores: el2n({ source: s }),
        got: { maps: false, margins: false, scores: false },
      },
    ]),
  );
  let epoch = 0;
  // Inference passes: history step of the pass of each epoch (a pass may come in several calls).
  let passes = 0;
  let lastPassEpoch = -1;
  const get = (s: Series = series[0]!): SeriesPlugins => {
    const found = plugins.get(s);
    if (!found) throw new HistoryError(`this recorder records '${mode}', not '${s}'`);
    return found;
  };
  const resolveIds = (given: RecorderUpdate['ids']): Int32Array => {
    if (nameIndex) {
      return Int32Array.from(given as ArrayLike<string>, (name, k) => {
        const id = nameIndex.get(String(name));
        if (id === undefined) throw new HistoryError(`update: unknown sample '${String(name)}' (entry ${k})`, {}, 'the recorder was made without it');
        return id;
      });
    }
    return Int32Array.from(given as ArrayLike<number>, (id, k) => {
      if (typeof id !== 'number') throw new HistoryError(`update: id ${JSON.stringify(id)} (entry ${k}) is not an integer`, {}, 'make the recorder with names to record string ids');
      return id;
    });
  };
  const deliver = (target: 'presentation', batch: RecorderUpdate | CorrectnessUpdate | ScoredUpdate, at: number): void => {
    const event = perSampleEvent(resolveIds(batch.ids), batch, at);
    const p = get(target);
    // Any failure is thrown before a plugin records (the history validates first), so a rejected call changes nothing.
    p.stats.onBatchEnd!(event);
    if (event.pGold) p.maps.onBatchEnd!(event);
    if (event.margin) p.margins.onBatchEnd!(event);
    if (event.el2n) p.scores.onBatchEnd!(event);
    p.got.maps ||= Boolean(event.pGold);
    p.got.margins ||= Boolean(event.margin);
    p.got.scores ||= Boolean(event.el2n);
  };
  // JSON-safe, for whatever checkpoints the caller writes: the plugins' typed arrays as base64, which they load back too.
  const state = () => ({
    epoch,
    passes,
    lastPassEpoch,
    series: Object.fromEntries(
      [...plugins].map(([s, p]) => [
        s,
        { history: p.stats.history(s).toState(), maps: base64Arrays(p.maps.stateDict!()), margins: base64Arrays(p.margins.stateDict!()), scores: base64Arrays(p.scores.stateDict!()), got: { ...p.got } },
      ]),
    ),
  });
  return {
    ids: sampleIds,
    ...(names ? { names: [...names] } : {}),
    mode,
    series,
    get epoch() {
      return epoch;
    },
    update(batch) {
      const at = epochOf(batch.epoch ?? epoch);
      if (mode === 'inference-pass') recordPass(batch, at);
      else deliver('presentation', batch, at);
    },
    inferencePass(pass) {
      if (mode === 'presentation') throw new HistoryError("inferencePass: this recorder records 'presentation' only", {}, "make it with mode 'both' or 'inference-pass'");
      recordPass(pass, epochOf(pass.epoch ?? (mode === 'both' ? Math.max(0, epoch - 1) : epoch)));
    },
    endEpoch() {
      epoch++;
    },
    stateDict: state,
    loadStateDict(saved) {
      const st = saved as ReturnType<typeof state>;
      if (typeof st !== 'object' || st === null || typeof st.series !== 'object') throw new HistoryError('loadStateDict: not a dynamicsRecorder state');
      for (const [s, p] of plugins) {
        const one = st.series[s];
        if (!one) throw new HistoryError(`loadStateDict: the state has no '${s}' series`, {}, `this recorder records '${mode}'`);
        p.stats.loadStateDict!({ passesSeen: 0, histories: { [s]: one.history } });
        p.maps.loadStateDict!(one.maps);
        p.margins.loadStateDict!(one.margins);
        p.scores.loadStateDict!(one.scores);
        Object.assign(p.got, one.got);
      }
      ({ epoch, passes, lastPassEpoch } = st);
    },
    history: (s) => get(s).stats.history(s ?? series[0]!),
    analyze: (s, options) => analyze(get(s).stats.history(s ?? series[0]!), options),
    dataMap: (s, thresholds) => (get(s).got.maps ? get(s).maps.result(thresholds) : undefined),
    aum: (s) => (get(s).got.margins ? get(s).margins.result() : undefined),
    el2n: (s, epochs) => (get(s).got.scores ? get(s).scores.result(epochs) : undefined),
  };

  function epochOf(at: number): number {
    if (!(Number.isInteger(at) && at >= 0)) throw new HistoryError(`update: epoch ${at} is not a non-negative integer`);
    return at;
  }

  /** One inference pass after epoch `at`, in one call or several: every call of one epoch records into one history step. */
  function recordPass(batch: RecorderUpdate | CorrectnessUpdate | ScoredUpdate, at: number): void {
    if (at < lastPassEpoch) throw new HistoryError(`inference pass of epoch ${at} after the pass of epoch ${lastPassEpoch}`, {}, 'record passes in epoch order');
    const event = perSampleEvent(resolveIds(batch.ids), batch, at);
    const p = get('inference-pass');
    const step = at === lastPassEpoch ? passes - 1 : passes;
    p.stats.history('inference-pass').record(step, event.ids, event.correct!, { loss: event.loss, margin: event.margin, pGold: event.pGold });
    if (at !== lastPassEpoch) {
      lastPassEpoch = at;
      passes++;
    }
    if (event.pGold) p.maps.onInferencePass!(event);
    if (event.margin) p.margins.onInferencePass!(event);
    if (event.el2n) p.scores.onInferencePass!(event);
    p.got.maps ||= Boolean(event.pGold);
    p.got.margins ||= Boolean(event.margin);
    p.got.scores ||= Boolean(event.el2n);
  }
}
