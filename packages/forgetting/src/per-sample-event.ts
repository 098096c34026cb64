import { HistoryError } from './errors.js';
import type { PerSampleEvent } from './kernel-shape.js';

/* What `dynamicsRecorder.update` takes, and derives per sample from one batch as the kernel derives it. */

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

/**
 * Per-sample values already derived from scores (what `update` derives from logits or
 * probabilities, e.g. by `scoreRow`), for a reader that scores each record as it streams past and
 * keeps these instead of the scores.
 */
export interface ScoredUpdate {
  ids: ArrayLike<number> | readonly string[];
  correct: Uint8Array;
  loss: Float32Array;
  pGold: Float32Array;
  margin: Float32Array;
  el2n: Float32Array;
  epoch?: number;
}

/** The per-sample arrays that `scoreRow` writes entry `i` of. */
export type ScoredArrays = Omit<ScoredUpdate, 'ids' | 'epoch'>;

/** The kernel's per-sample arrays, computed from one batch's scores (or taken from given correctness or derived values). */
export function perSampleEvent(ids: Int32Array, batch: RecorderUpdate | CorrectnessUpdate | ScoredUpdate, epoch: number): PerSampleEvent {
  const n = ids.length;
  if ('el2n' in batch) {
    const { correct, loss, pGold, margin, el2n: el2nScore } = batch;
    const short = Object.entries({ correct, loss, pGold, margin, el2n: el2nScore }).find(([, values]) => values.length !== n);
    if (short) throw new HistoryError(`update: ${n} ids but ${short[1].length} ${short[0]} values`);
    return { ids, epoch, step: epoch, correct, loss, pGold, margin, el2n: el2nScore };
  }
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
  const out: ScoredArrays = { correct: new Uint8Array(n), loss: new Float32Array(n), pGold: new Float32Array(n), margin: new Float32Array(n), el2n: new Float32Array(n) };
  const scratch = new Float64Array(classes);
  for (let i = 0; i < n; i++) scoreRow(values.subarray(i * classes, (i + 1) * classes), scored.labels[i]!, scored.logits !== undefined, out, i, scratch);
  return { ids, epoch, step: epoch, ...out };
}

/**
 * Entry `i` of `out` from one sample's class scores (logits, or probabilities when `fromLogits` is
 * false) and label: correct = 1[argmax = label] (first maximum on ties), loss, p(gold), margin and
 * EL2N, as the kernel computes them. `scratch` holds `row.length` numbers (reused between calls).
 */
export function scoreRow(row: ArrayLike<number>, label: number, fromLogits: boolean, out: ScoredArrays, i: number, scratch: Float64Array): void {
  const classes = row.length;
  const probabilities = scratch;
  if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new HistoryError(`update: label ${label} of entry ${i} is outside 0…${classes - 1}`);
  let best = 0;
  let other = -Infinity;
  for (let c = 0; c < classes; c++) {
    if (Number.isNaN(row[c]!)) throw new HistoryError(`update: score ${c} of entry ${i} is NaN`);
    if (row[c]! > row[best]!) best = c;
    if (c !== label && row[c]! > other) other = row[c]!;
  }
  out.correct[i] = best === label ? 1 : 0;
  if (fromLogits) {
    // Softmax with the maximum subtracted, as tf.softmax / logSoftmax do.
    const max = row[best]!;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += (probabilities[c] = Math.exp(row[c]! - max));
    for (let c = 0; c < classes; c++) probabilities[c]! /= sum;
    out.loss[i] = -(row[label]! - max - Math.log(sum));
    out.margin[i] = row[label]! - other;
  } else {
    for (let c = 0; c < classes; c++) probabilities[c] = row[c]!;
    out.loss[i] = -Math.log(row[label]!);
    out.margin[i] = Math.log(row[label]!) - Math.log(other);
  }
  out.pGold[i] = probabilities[label]!;
  let squares = 0;
  for (let c = 0; c < classes; c++) squares += (probabilities[c]! - (c === label ? 1 : 0)) ** 2;
  out.el2n[i] = Math.sqrt(squares);
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
