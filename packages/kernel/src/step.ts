import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { perSampleValues, unpackPerSample } from './evaluate.js';
import { correctness, type LossFunction } from './loss.js';
import type { Optimizer } from './optimizers/types.js';
import type { KernelBatch, KernelPlugin, PerSample, StepContext } from './types.js';

export interface StepResult {
  meanLoss: number;
  correct: number;
  terms: Record<string, number>;
  learningRate: number;
  /** The batch's per-sample arrays, when a plugin asked for them. */
  perSample?: PerSample;
}

/**
 * One training step: forward in training mode → per-sample loss → mean + Σ plugin terms + weight
 * penalties → gradients → plugin gradient transforms → lr = base × schedule × Π plugin factors →
 * optimizer update. Downloads the scalars it reports, and the per-sample arrays when asked, in one
 * transfer (the batch's correct count is then summed from them).
 */
export async function trainStep(
  model: tfl.LayersModel,
  batch: KernelBatch,
  ctx: StepContext,
  { loss, optimizer, plugins, baseLearningRate, keepPerSample, keepLogits }: { loss: LossFunction; optimizer: Optimizer; plugins: readonly KernelPlugin[]; baseLearningRate: number; keepPerSample: boolean; keepLogits: boolean },
): Promise<StepResult> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const termNames: string[] = [];
  let kept: { logits: tf.Tensor; perSample: tf.Tensor; mean: tf.Scalar; terms: tf.Scalar[] } | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.apply(batch.x, { training: true }) as tf.Tensor;
    const perSample = loss.perSample(logits, batch.y);
    const mean = tf.mean(perSample) as tf.Scalar;
    const terms: tf.Scalar[] = [];
    for (const plugin of plugins) {
      if (!plugin.lossTerms) continue;
      for (const [name, term] of Object.entries(plugin.lossTerms({ x: batch.x, y: batch.y, logits, perSampleLoss: perSample, ids: batch.ids }, ctx))) {
        termNames.push(`${plugin.name}/${name}`);
        terms.push(term);
      }
    }
    // Weight penalties live on the layers (the zoo's L2); a Sequential only lists them per layer.
    const penalties = model.layers.flatMap((layer) => layer.calculateLosses());
    kept = { logits: tf.keep(logits), perSample: tf.keep(perSample), mean: tf.keep(mean), terms: terms.map((t) => tf.keep(t)) };
    return terms.length + penalties.length === 0 ? mean : (tf.addN([mean, ...terms, ...penalties]) as tf.Scalar);
  }, variables);
  if (value !== kept!.mean) value.dispose(); // without terms, the loss is the kept mean itself
  const gradients = transformGrads(plugins, grads, ctx);
  let learningRate = baseLearningRate;
  for (const plugin of plugins) if (plugin.adjustLearningRate) learningRate *= plugin.adjustLearningRate(ctx);
  optimizer.apply(variables, variables.map((v) => gradients[v.name]!), learningRate);
  tf.dispose(Object.values(gradients));

  const { logits, perSample, mean, terms } = kept!;
  const packed = tf.tidy(() => {
    const scalars = tf.stack([mean, ...terms]);
    if (keepPerSample) return tf.concat([scalars, perSampleValues(logits, batch.y, loss, perSample, keepLogits)]);
    return tf.concat([scalars, loss.classification ? tf.reshape(tf.cast(tf.sum(correctness(logits, batch.y)), 'float32'), [1]) : tf.zeros([1])]);
  });
  const classes = keepLogits && loss.classification ? logits.shape.at(-1)! : 0;
  const values = (await packed.data()) as Float32Array;
  tf.dispose([packed, logits, perSample, mean, ...terms]);
  const samples = keepPerSample ? unpackPerSample(values.subarray(1 + terms.length), batch.ids, loss.classification, classes) : undefined;
  const correct = samples ? (samples.correct?.reduce((sum, c) => sum + c, 0) ?? 0) : values[1 + terms.length]!;
  return {
    meanLoss: values[0]!,
    correct,
    terms: Object.fromEntries(termNames.map((name, i) => [name, values[1 + i]!])),
    learningRate,
    ...(samples ? { perSample: samples } : {}),
  };
}

/** The gradients after every plugin's transformGrads, in plugin order; replaced tensors are disposed. */
export function transformGrads(plugins: readonly KernelPlugin[], grads: Record<string, tf.Tensor>, ctx: StepContext): Record<string, tf.Tensor> {
  let gradients = grads;
  for (const plugin of plugins) {
    if (!plugin.transformGrads) continue;
    const next = plugin.transformGrads(gradients, ctx);
    for (const [name, tensor] of Object.entries(gradients)) if (next[name] !== tensor) tensor.dispose();
    gradients = next;
  }
  return gradients;
}
