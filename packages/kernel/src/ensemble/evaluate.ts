import * as tf from '@tensorflow/tfjs-core';
import { correctness, type LossFunction } from '../loss.js';
import type { EvaluationResult, TrainingData } from '../types.js';
import type { DenseMembers } from './dense-members.js';

/**
 * `evaluate` for every member at once: loss and accuracy over one pass of the shared `data`, in
 * inference mode (no dropout). Each batch's per-member sums come down in one transfer and are added
 * up in batch order, as `evaluate` adds up a solo model's.
 */
export async function evaluateMembers(nets: DenseMembers, data: TrainingData, loss: LossFunction): Promise<EvaluationResult[]> {
  const members = nets.count;
  const lossSums = new Array<number>(members).fill(0);
  const correct = new Array<number>(members).fill(0);
  let samples = 0;
  for (const batch of data.epoch(0)) {
    const rows = batch.ids.length;
    const sums = tf.tidy(() => {
      const logits = nets.forward(new Array<tf.Tensor>(members).fill(batch.x));
      const y = tf.tile(batch.y, batch.y.rank === 1 ? [members] : [members, 1]);
      const perMember = (values: tf.Tensor) => tf.sum(tf.reshape(tf.cast(values, 'float32'), [members, rows]), 1);
      const hits = loss.classification ? perMember(correctness(logits, y)) : tf.zeros([members]);
      return tf.stack([perMember(loss.perSample(logits, y)), hits]);
    });
    const values = await sums.data();
    sums.dispose();
    for (let m = 0; m < members; m++) {
      lossSums[m] = lossSums[m]! + values[m]!;
      correct[m] = correct[m]! + values[members + m]!;
    }
    samples += rows;
  }
  return Array.from({ length: members }, (_, m) => ({ loss: lossSums[m]! / samples, ...(loss.classification ? { accuracy: correct[m]! / samples } : {}), samples }));
}
