import { HistoryError } from './errors.js';
import { SERIES, type History, type Series } from './history.js';
import type { PerSampleEvent } from './kernel-shape.js';
import { forgettingStatistics, type ForgettingStatisticsPlugin, type RecordingMode } from './plugin.js';
import { analyze, type Analysis, type AnalyzeOptions } from './stats/analyze.js';
import { aum, type AumPlugin, type AumResult } from './dynamics/aum.js';
import { dataMaps, type DataMap, type DataMapsPlugin, type RegionThresholds } from './dynamics/data-maps.js';
import { el2n, type El2nEpochs, type El2nPlugin, type El2nResult } from './dynamics/el2n.js';

/** A 2-D batch of scores: a flat row-major array, rows of numbers, or a tfjs tensor (anything with `dataSync()` and `shape`). */
export type Scores = ArrayLike<number> | readonly ArrayLike<number>[] | { dataSync(): ArrayLike<number>; shape: readonly number[] };

/** One batch (or one inference pass) of a user's own training loop. */
export interface RecorderUpdate {
  /** The samples' ids: integers, or strings when the recorder was made with `names`. */
  ids: ArrayLike<number> | readonly string[];
  /** Raw class scores, one row per sample (before softmax). */
  logits?: Scores;
  /** Class probabilities, one row per sample (after softmax): give these or logits. */
  probabilities?: Scores;
  /** Each sample's training label (the noisy one, if labels were corrupted). */
  labels: ArrayLike<number>;
  /** 0-based epoch; default the recorder's current epoch (advanced by `endEpoch()`). */
  epoch?: number;
}

/** Per-sample correctness only (no scores), e.g. imported from a 0/1 matrix. */
export interface CorrectnessUpdate {
  ids: ArrayLike<number> | readonly string[];
  correct: ArrayLike<number | boolean>;
  /** Logit of the label minus the largest other logit, when known (AUM records). */
  margin?: ArrayLike<number>;
  epoch?: number;
}

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
  update(batch: RecorderUpdate | CorrectnessUpdate): void;
  /** Records one pass over the training set in inference mode (mode 'both' or 'inference-pass'), after epoch `epoch` (default: the last one ended). */
  inferencePass(pass: RecorderUpdate | CorrectnessUpdate): void;
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
  const deliver = (target: 'presentation', batch: RecorderUpdate | CorrectnessUpdate, at: number): void => {
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
  const state = () => ({
    epoch,
    passes,
    lastPassEpoch,
    series: Object.fromEntries(
      [...plugins].map(([s, p]) => [s, { history: p.stats.history(s).toState(), maps: p.maps.stateDict!(), margins: p.margins.stateDict!(), scores: p.scores.stateDict!(), got: { ...p.got } }]),
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
  function recordPass(batch: RecorderUpdate | CorrectnessUpdate, at: number): void {
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

/** The kernel's per-sample arrays, computed from one batch's scores (or taken from given correctness). */
export function perSampleEvent(ids: Int32Array, batch: RecorderUpdate | CorrectnessUpdate, epoch: number): PerSampleEvent {
  const n = ids.length;
  if ('correct' in batch && batch.correct !== undefined) {
    if (batch.correct.length !== n) throw new HistoryError(`update: ${n} ids but ${batch.correct.length} correctness values`);
    const margin = batch.margin && Float32Array.from(batch.margin);
    if (margin && margin.length !== n) throw new HistoryError(`update: ${n} ids but ${margin.length} margins`);
    return { ids, epoch, step: epoch, correct: Uint8Array.from(batch.correct, (c) => (c ? 1 : 0)), ...(margin ? { margin } : {}) };
  }
  const scored = batch as RecorderUpdate;
  if ((scored.logits === undefined) === (scored.probabilities === undefined)) throw new HistoryError('update: give logits or probabilities (one of them)');
  const { values, classes } = flatten((scored.logits ?? scored.probabilities)!, n);
  if (scored.labels.length !== n) throw new HistoryError(`update: ${n} ids but ${scored.labels.length} labels`);
  const correct = new Uint8Array(n);
  const loss = new Float32Array(n);
  const pGold = new Float32Array(n);
  const margin = new Float32Array(n);
  const el2nScore = new Float32Array(n);
  const probabilities = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    const label = scored.labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new HistoryError(`update: label ${label} of entry ${i} is outside 0…${classes - 1}`);
    const row = values.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    let other = -Infinity;
    for (let c = 0; c < classes; c++) {
      if (Number.isNaN(row[c]!)) throw new HistoryError(`update: score ${c} of entry ${i} is NaN`);
      if (row[c]! > row[best]!) best = c;
      if (c !== label && row[c]! > other) other = row[c]!;
    }
    correct[i] = best === label ? 1 : 0;
    if (scored.logits !== undefined) {
      // Softmax with the maximum subtracted, as tf.softmax / logSoftmax do.
      const max = row[best]!;
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += (probabilities[c] = Math.exp(row[c]! - max));
      for (let c = 0; c < classes; c++) probabilities[c]! /= sum;
      loss[i] = -(row[label]! - max - Math.log(sum));
      margin[i] = row[label]! - other;
    } else {
      for (let c = 0; c < classes; c++) probabilities[c] = row[c]!;
      loss[i] = -Math.log(row[label]!);
      margin[i] = Math.log(row[label]!) - Math.log(other);
    }
    pGold[i] = probabilities[label]!;
    let squares = 0;
    for (let c = 0; c < classes; c++) squares += (probabilities[c]! - (c === label ? 1 : 0)) ** 2;
    el2nScore[i] = Math.sqrt(squares);
  }
  return { ids, epoch, step: epoch, correct, loss, pGold, margin, el2n: el2nScore };
}

function flatten(scores: Scores, n: number): { values: Float64Array; classes: number } {
  if (typeof (scores as { dataSync?: unknown }).dataSync === 'function') {
    const tensor = scores as { dataSync(): ArrayLike<number>; shape: readonly number[] };
    if (tensor.shape.length !== 2 || tensor.shape[0] !== n) throw new HistoryError(`update: scores of shape [${tensor.shape.join(', ')}] for ${n} ids`, {}, `expected [${n}, classes]`);
    return { values: Float64Array.from(tensor.dataSync()), classes: tensor.shape[1]! };
  }
  const list = scores as ArrayLike<number> | readonly ArrayLike<number>[];
  if (list.length > 0 && (Array.isArray(list[0]) || ArrayBuffer.isView(list[0]))) {
    const rows = list as readonly ArrayLike<number>[];
    if (rows.length !== n) throw new HistoryError(`update: ${rows.length} rows of scores for ${n} ids`);
    const classes = rows[0]!.length;
    const values = new Float64Array(n * classes);
    rows.forEach((row, i) => {
      if (row.length !== classes) throw new HistoryError(`update: row ${i} has ${row.length} scores, row 0 has ${classes}`);
      values.set(row as ArrayLike<number>, i * classes);
    });
    return { values, classes };
  }
  const flat = list as ArrayLike<number>;
  if (n === 0 || flat.length % n !== 0 || flat.length === 0) throw new HistoryError(`update: ${flat.length} scores for ${n} ids`, {}, 'expected ids.length × classes');
  return { values: Float64Array.from(flat), classes: flat.length / n };
}
