// A plain tf.sequential() model trained with the user's own model.fit, with mgdl's forgetting
// statistics recorded through fitCallback. Prints the analysis as JSON.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@mgdl/backend';
import { forgettingStatistics, summarize } from '@mgdl/forgetting';
import { fitCallback } from '@mgdl/kernel';

await initBackend({ backend: 'wasm', threads: 1 });
const n = 96;
const features = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 12.9898) * 2);
const labels = Int32Array.from({ length: n }, (_, i) => (features[4 * i] > 0 ? 1 : 0) + (features[4 * i + 1] > 0.5 ? 1 : 0));
const ids = Int32Array.from({ length: n }, (_, i) => i);
const inferencePassData = {
  batchesPerEpoch: 1,
  *epoch() {
    yield { x: tf.tensor2d(features, [n, 4]), y: tf.tensor1d(labels, 'int32'), ids, index: 0 };
  },
};
const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
const stats = forgettingStatistics({ ids, mode: 'inference-pass' });
const x = tf.tensor2d(features, [n, 4]);
const y = tf.tensor1d(labels, 'float32');
await model.fit(x, y, { epochs: 6, batchSize: 32, verbose: 0, callbacks: [fitCallback({ model, plugins: [stats], inferencePassData, batchesPerEpoch: 3 })] });
const history = stats.history('inference-pass');
console.log(JSON.stringify({ tfjs: tf.version_core, steps: history.steps, samples: history.samples, summary: summarize(stats.analyze('inference-pass')) }));
process.exit(0);
