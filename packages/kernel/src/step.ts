import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classificationStats, type LossFunction } from './loss.js';
import type { Optimizer } from './optimizers/types.js';
import type { KernelBatch, KernelPlugin, StepContext } from './types.js';

export interface StepResult {
  meanLoss: number;
  correct: number;
  terms: Record<string, number>;
  learningRate: number;
  /** Kept for per-sample statistics when a plugin asked; the caller disposes them. */
  logits?: tf.Tensor;
  perSampleLoss?: tf.Tensor;
}

/**
 * One training step: forward in training mode → per-sample loss → mean + Σ plugin terms + weight
 * penalties → gradients → plugin gradient transforms → lr = base × schedule × Π plugin factors →
 * optimizer update. Downloads the scalars it reports in one transfer.
 */
export async function trainStep(
  model: tfl.LayersModel,
  batch: KernelBatch,
  ctx: StepContext,
  { loss, optimizer, plugins, baseLearningRate, keepPerSample }: { loss: LossFunction; optimizer: Optimizer; plugins: readonly KernelPlugin[]; baseLearningRate: number; keepPerSample: boolean },
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
  let gradients: Record<string, tf.Tensor> = grads;
  for (const plugin of plugins) {
    if (!plugin.transformGrads) continue;
    const next = plugin.transformGrads(gradients, ctx);
    for (const [name, tensor] of Object.entries(gradients)) if (next[name] !== tensor) tensor.dispose();
    gradients = next;
  }
  let learningRate = baseLearningRate;
  for (const plugin of plugins) if (plugin.adjustLearningRate) learningRate *= plugin.adjustLearningRate(ctx);
  optimizer.apply(variables, variables.map((v) => gradients[v.name]!), learningRate);
  tf.dispose(Object.values(gradients));

  const { logits, perSample, mean, terms } = kept!;
  const scalars = tf.tidy(() => {
    const correct = loss.classification ? tf.cast(tf.sum(classificationStats(logits, batch.y, perSample).correct), 'float32') : tf.scalar(0);
    return tf.stack([mean, correct, ...terms]);
  });
  const values = await scalars.data();
  tf.dispose([scalars, mean, ...terms]);
  const result: StepResult = {
    meanLoss: values[0]!,
    correct: values[1]!,
    terms: Object.fromEntries(termNames.map((name, i) => [name, values[2 + i]!])),
    learningRate,
  };
  if (keepPerSample) return { ...result, logits, perSampleLoss: perSample };
  tf.dispose([logits, perSample]);
  return result;
}
