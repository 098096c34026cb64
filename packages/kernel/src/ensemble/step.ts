import * as tf from '@tensorflow/tfjs-core';
import type { SeededMathRandom } from '@mgdl/random';
import { perSampleRows, unpackPerSample } from '../evaluate.js';
import { correctness, type LossFunction } from '../loss.js';
import type { Optimizer } from '../optimizers/types.js';
import { transformGrads } from '../step.js';
import type { KernelBatch, KernelPlugin, PerSample, StepContext } from '../types.js';
import type { MemberNets } from './member-nets.js';

/** What one ensemble step reports for one member. */
export interface MemberStepResult {
  meanLoss: number;
  correct: number;
  perSample?: PerSample;
}

export interface EnsembleStepOptions {
  loss: LossFunction;
  optimizer: Optimizer;
  learningRate: number;
  /** One per member: where its dropout masks come from. */
  dropoutStreams: readonly SeededMathRandom[];
  /** Per member: the plugins that transform its gradients with its step context, or undefined (none, or the member has ended). */
  gradientTransforms: readonly ({ plugins: readonly KernelPlugin[]; ctx: StepContext } | undefined)[];
  keepPerSample: boolean;
  keepLogits: boolean;
}

/**
 * One step of every member at once: forward on each member's own batch, per-sample loss on all
 * members' rows together, loss = Σ_members mean + L2 (so each member's gradient is exactly its
 * own), gradients, each member's plugins' gradient transforms on its own gradients, one optimizer update of all members' variables (elementwise, so per member). Every
 * member's mean loss and correct count (or per-sample arrays) come down in one transfer.
 */
export async function ensembleStep(nets: MemberNets, batches: readonly KernelBatch[], options: EnsembleStepOptions): Promise<MemberStepResult[]> {
  const { loss, optimizer, learningRate, dropoutStreams, gradientTransforms, keepPerSample, keepLogits } = options;
  const [members, rows] = [batches.length, batches[0]!.ids.length];
  const y = tf.concat(batches.map((batch) => batch.y));
  let kept: { logits: tf.Tensor2D; perSample: tf.Tensor1D; means: tf.Tensor1D } | undefined;
  const variables = nets.variables;
  const { value, grads } = tf.variableGrads(() => {
    // Members side by side as one batch of members·rows samples: the loss's row-wise ops are each member's own.
    const logits = nets.forward(batches.map((batch) => batch.x), dropoutStreams);
    const perSample = loss.perSample(logits, y);
    const means = tf.mean(tf.reshape(perSample, [members, rows]), 1) as tf.Tensor1D;
    kept = { logits: tf.keep(logits), perSample: tf.keep(perSample), means: tf.keep(means) };
    const total = tf.sum(means) as tf.Scalar;
    const penalty = nets.penalty();
    return penalty ? tf.add(total, penalty) : total;
  }, variables);
  value.dispose();
  let gradients = grads;
  gradientTransforms.forEach((transforms, m) => {
    if (!transforms) return;
    gradients = nets.transformMember(gradients, m, (own) => transformGrads(transforms.plugins, own, transforms.ctx));
  });
  optimizer.apply(variables, variables.map((v) => gradients[v.name]!), learningRate);
  tf.dispose(Object.values(gradients));

  const { logits, perSample, means } = kept!;
  const packed = tf.tidy(() => {
    const scalars = tf.reshape(means, [members, 1]);
    if (!keepPerSample) {
      const counts = loss.classification ? tf.sum(tf.reshape(correctness(logits, y), [members, rows]), 1) : tf.zeros([members]);
      return tf.concat([scalars, tf.reshape(tf.cast(counts, 'float32'), [members, 1])], 1);
    }
    return tf.concat([scalars, perMemberValues(logits, y, loss, perSample, members, keepLogits)], 1);
  });
  const classes = keepLogits && loss.classification ? logits.shape[1] : 0;
  const values = (await packed.data()) as Float32Array;
  tf.dispose([packed, y, logits, perSample, means]);
  const width = values.length / members;
  return batches.map((batch, m) => {
    const row = values.subarray(m * width, (m + 1) * width);
    if (!keepPerSample) return { meanLoss: row[0]!, correct: row[1]! };
    const samples = unpackPerSample(row.subarray(1), batch.ids, loss.classification, classes);
    return { meanLoss: row[0]!, correct: samples.correct?.reduce((sum, c) => sum + c, 0) ?? 0, perSample: samples };
  });
}

/**
 * Member m's row holds what perSampleValues packs for its batch alone: its per-sample rows, then
 * (withLogits, classification) its logits and labels; `unpackPerSample` reads a row back. `logits`
 * and `y` hold the members' rows side by side (call inside tf.tidy).
 */
export function perMemberValues(logits: tf.Tensor2D, y: tf.Tensor, loss: LossFunction, perSample: tf.Tensor | undefined, members: number, withLogits: boolean): tf.Tensor2D {
  const rows = logits.shape[0] / members;
  const stats = perSampleRows(logits, y, loss, perSample);
  const statRows = stats.shape[0];
  const parts = [tf.reshape(tf.transpose(tf.reshape(stats, [statRows, members, rows]), [1, 0, 2]), [members, statRows * rows])];
  if (withLogits && loss.classification) parts.push(tf.reshape(logits, [members, -1]), tf.reshape(tf.cast(y, 'float32'), [members, rows]));
  return tf.concat(parts, 1) as tf.Tensor2D;
}
