import * as tf from '@tensorflow/tfjs-core';
import { concatPerSample, unpackPerSample } from '../evaluate.js';
import { correctness, type LossFunction } from '../loss.js';
import type { EvaluationResult, PerSample, TrainingData } from '../types.js';
import { checkStackable, nextBatches } from './member.js';
import { perMemberValues } from './step.js';
import type { MemberNets } from './member-nets.js';

/**
 * `evaluate` for every member at once: loss and accuracy over one pass of the shared `data`, in
 * inference mode (no dropout). Each batch's per-member sums come down in one transfer and are added
 * up in batch order, as `evaluate` adds up a solo model's.
 */
export async function evaluateMembers(nets: MemberNets, data: TrainingData, loss: LossFunction): Promise<EvaluationResult[]> {
  const members = nets.count;
  const lossSums = new Array<number>(members).fill(0);
  const correct = new Array<number>(members).fill(0);
  let samples = 0;
  for (const batch of data.epoch(0)) {
    const rows = batch.ids.length;
    const sums = tf.tidy(() => {
      const logits = nets.forward([batch.x]);
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

/**
 * `inferencePass` for every member at once, each over its own `datas[m]` (its training set in a
 * fixed order): per batch, one forward pass of all members in inference mode and one download.
 */
export async function inferencePassMembers(nets: MemberNets, datas: readonly TrainingData[], loss: LossFunction, epoch: number, withLogits: boolean): Promise<PerSample[]> {
  const members = nets.count;
  const parts: PerSample[][] = datas.map(() => []);
  const iterators = datas.map((data) => data.epoch(0)[Symbol.iterator]());
  try {
    for (let batchIndex = 0; batchIndex < datas[0]!.batchesPerEpoch; batchIndex++) {
      const batches = nextBatches(iterators, epoch, batchIndex);
      checkStackable(batches, epoch, batchIndex);
      const packed = tf.tidy(() => {
        const logits = nets.forward(batches.map((batch) => batch.x));
        return perMemberValues(logits, tf.concat(batches.map((batch) => batch.y)), loss, undefined, members, withLogits);
      });
      const values = (await packed.data()) as Float32Array;
      packed.dispose();
      const width = values.length / members;
      // A row with logits holds five statistics, the logits and the label per sample.
      const classes = withLogits && loss.classification ? width / batches[0]!.ids.length - 6 : 0;
      batches.forEach((batch, m) => parts[m]!.push(unpackPerSample(values.subarray(m * width, (m + 1) * width), batch.ids, loss.classification, classes)));
    }
  } finally {
    for (const iterator of iterators) iterator.return?.();
  }
  return parts.map((memberParts) => concatPerSample(memberParts, withLogits && loss.classification));
}
