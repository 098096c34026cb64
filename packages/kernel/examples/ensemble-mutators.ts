/**
 * Three seeds of a small regression net in one trainEnsemble call, each with its own plugin that
 * changes training: none, a loss term (an L2 pull on the member's outputs, logged per epoch) and a
 * learning-rate warm-up. Each member trains exactly as train() would train it with that plugin.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@mgdl/backend';
import { trainEnsemble, type KernelBatch, type KernelPlugin, type TrainingData } from '@mgdl/kernel';

/** y = (x₀ + x₁, x₀ − x₁) on 64 rows of 2 features, in 4 batches of 16, in an order set by `seed`. */
function rows(seed: number): TrainingData {
  const x = Array.from({ length: 64 }, (_, i) => [Math.sin(i + seed), Math.cos(3 * i)]);
  return {
    batchesPerEpoch: 4,
    *epoch(epoch, from = 0) {
      for (let index = from; index < 4; index++) {
        const ids = Int32Array.from({ length: 16 }, (_, i) => (index * 16 + i + 7 * epoch) % 64);
        const xs = [...ids].map((id) => x[id]!);
        const batch: KernelBatch = { x: tf.tensor2d(xs), y: tf.tensor2d(xs.map(([a, b]) => [a! + b!, a! - b!])), ids, index };
        try {
          yield batch;
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
      }
    },
  };
}

const outputPull: KernelPlugin = { name: 'pull', lossTerms: ({ logits }) => ({ l2: tf.mul(0.01, tf.mean(tf.square(logits))) as tf.Scalar }) };
const warmup: KernelPlugin = { name: 'warmup', adjustLearningRate: ({ step }) => Math.min(1, (step + 1) / 20) };

await initBackend();
const { members } = await trainEnsemble({
  model: () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 16, activation: 'tanh' }), tfl.layers.dense({ units: 2 })] }),
  members: [
    { seed: 1, data: rows(1) },
    { seed: 2, data: rows(2), plugins: [outputPull] },
    { seed: 3, data: rows(3), plugins: [warmup] },
  ],
  epochs: 10,
  learningRate: 0.02,
  loss: 'mse',
});
for (const [i, { epochMetrics }] of members.entries()) {
  const { train, terms, learningRate } = epochMetrics.at(-1)!;
  console.log(`member ${i}: train mse ${train.loss.toFixed(4)}, terms ${JSON.stringify(terms)}, lr ${learningRate}; first epoch's lr ${epochMetrics[0]!.learningRate}`);
}
