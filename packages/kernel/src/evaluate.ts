import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classificationStats, correctness, type LossFunction } from './loss.js';
import type { EvaluationResult, PerSample, TrainingData } from './types.js';

/** Loss and accuracy over one pass of `data` in inference mode (no dropout, batch norm on running statistics). */
export async function evaluate(model: tfl.LayersModel, data: TrainingData, loss: LossFunction): Promise<EvaluationResult> {
  let [lossSum, correct, samples] = [0, 0, 0];
  for (const batch of data.epoch(0)) {
    const sums = tf.tidy(() => {
      const logits = model.apply(batch.x, { training: false }) as tf.Tensor;
      const perSample = loss.perSample(logits, batch.y);
      const hits = loss.classification ? tf.sum(correctness(logits, batch.y)) : tf.scalar(0);
      return tf.stack([tf.sum(perSample), tf.cast(hits, 'float32')]);
    });
    const [batchLoss, batchHits] = await sums.data();
    sums.dispose();
    lossSum += batchLoss!;
    correct += batchHits!;
    samples += batch.ids.length;
  }
  return { loss: lossSum / samples, ...(loss.classification ? { accuracy: correct / samples } : {}), samples };
}

/** Per-sample correctness, loss and margin of every sample of `data`, in inference mode. */
export async function inferencePass(model: tfl.LayersModel, data: TrainingData, loss: LossFunction, { withLogits = false } = {}): Promise<PerSample> {
  const parts: PerSample[] = [];
  for (const batch of data.epoch(0)) parts.push(await perSampleOf(model.apply(batch.x, { training: false }) as tf.Tensor, batch.y, batch.ids, loss, undefined, { withLogits }));
  return concatPerSample(parts, withLogits && loss.classification);
}

/** One PerSample of consecutive parts (an inference pass's batches), in order; `withLogits` when the parts hold logits and labels. */
export function concatPerSample(parts: readonly PerSample[], withLogits: boolean): PerSample {
  const concat = <T extends Float32Array | Uint8Array | Int32Array>(pick: (p: PerSample) => T | undefined, make: (n: number) => T): T | undefined => {
    if (parts.length === 0 || pick(parts[0]!) === undefined) return undefined;
    const out = make(parts.reduce((n, p) => n + p.ids.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(pick(part)!, offset);
      offset += part.ids.length;
    }
    return out;
  };
  return {
    ids: concat((p) => p.ids, (n) => new Int32Array(n))!,
    loss: concat((p) => p.loss, (n) => new Float32Array(n))!,
    correct: concat((p) => p.correct, (n) => new Uint8Array(n)),
    margin: concat((p) => p.margin, (n) => new Float32Array(n)),
    pGold: concat((p) => p.pGold, (n) => new Float32Array(n)),
    el2n: concat((p) => p.el2n, (n) => new Float32Array(n)),
    ...(withLogits ? { logits: concatRows(parts.map((p) => p.logits!)), labels: concat((p) => p.labels, (n) => new Int32Array(n)) } : {}),
  };
}

const concatRows = (rows: readonly Float32Array[]): Float32Array => {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  rows.reduce((offset, r) => (out.set(r, offset), offset + r.length), 0);
  return out;
};

/**
 * The rows below in one kernel call instead of ~25, registered by @mgdl/backend for wasm and cpu
 * (CLASSIFICATION_STATS there; this package does not depend on the backend, so it is found by name).
 */
const FUSED_CLASSIFICATION_STATS = 'MgdlClassificationStats';

/**
 * The per-sample rows of one batch as one [rows, b] float32 tensor (call inside tf.tidy): loss, and
 * for classification correctness, margin, p(gold) and EL2N; `unpackPerSample` reads them back.
 */
export function perSampleRows(logits: tf.Tensor, y: tf.Tensor, loss: LossFunction, perSampleLoss?: tf.Tensor): tf.Tensor2D {
  const values = perSampleLoss ?? loss.perSample(logits, y);
  if (!loss.classification) return tf.stack([values]) as tf.Tensor2D;
  if (logits.rank === 2 && y.rank === 1 && logits.dtype === 'float32' && tf.getKernel(FUSED_CLASSIFICATION_STATS, tf.getBackend())) {
    return tf.engine().runKernel(FUSED_CLASSIFICATION_STATS, { logits, labels: y, loss: values }) as tf.Tensor2D;
  }
  const { correct, margin, pGold, el2n } = classificationStats(logits, y, values);
  return tf.stack([values, tf.cast(correct, 'float32'), margin, pGold, el2n]) as tf.Tensor2D;
}

/** `perSampleRows` flattened, then (withLogits, classification) the logits row-major and the labels: one tensor to download (call inside tf.tidy). */
export function perSampleValues(logits: tf.Tensor, y: tf.Tensor, loss: LossFunction, perSampleLoss: tf.Tensor | undefined, withLogits: boolean): tf.Tensor1D {
  const rows = tf.reshape(perSampleRows(logits, y, loss, perSampleLoss), [-1]);
  return (withLogits && loss.classification ? tf.concat([rows, tf.reshape(logits, [-1]), tf.cast(y, 'float32')]) : rows) as tf.Tensor1D;
}

/** The PerSample arrays of `perSampleValues`, downloaded as `flat`; `classes` > 0 when it holds the logits and labels. */
export function unpackPerSample(flat: Float32Array, ids: Int32Array, classification: boolean, classes = 0): PerSample {
  const n = ids.length;
  const row = (r: number) => flat.slice(r * n, (r + 1) * n);
  if (!classification) return { ids, loss: row(0) };
  const stats = { ids, loss: row(0), correct: Uint8Array.from(row(1)), margin: row(2), pGold: row(3), el2n: row(4) };
  if (classes === 0) return stats;
  const logits = flat.slice(5 * n, 5 * n + n * classes);
  return { ...stats, logits, labels: Int32Array.from(flat.subarray(5 * n + n * classes, 6 * n + n * classes)) };
}

/** Downloads per-sample arrays of one batch in a single transfer; disposes `logits`. */
export async function perSampleOf(logits: tf.Tensor, y: tf.Tensor, ids: Int32Array, loss: LossFunction, perSampleLoss?: tf.Tensor, { withLogits = false } = {}): Promise<PerSample> {
  const packed = tf.tidy(() => perSampleValues(logits, y, loss, perSampleLoss, withLogits));
  const classes = withLogits && loss.classification ? logits.shape.at(-1)! : 0;
  logits.dispose();
  const flat = (await packed.data()) as Float32Array;
  packed.dispose();
  return unpackPerSample(flat, ids, loss.classification, classes);
}
