import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { fitCallback, progressReporter, train, type KernelPlugin, type InferencePassEvent } from '../src/index.js';
import { toyBatcher, toyDataset, toyModel, toyInferenceData } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

describe('fitCallback', () => {
  it("runs epoch-level observers inside the user's own model.fit, and their stop() ends it", async () => {
    const model = toyModel();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const passes: InferencePassEvent[] = [];
    const epochs: number[] = [];
    const observer: KernelPlugin = {
      name: 'observer',
      onInferencePass: (e) => void passes.push(e),
      onEpochEnd: (m, control) => {
        epochs.push(m.epoch);
        if (m.epoch === 2) control.stop('seen enough');
      },
    };
    const data = toyDataset(64);
    const x = tf.tensor4d(Float32Array.from(data.x, (v) => (v / 255 - 0.47) / 0.15), [64, 8, 8, 1]);
    const y = tf.tensor1d(data.labels, 'float32');
    await model.fit(x, y, { epochs: 10, batchSize: 16, verbose: 0, callbacks: [fitCallback({ model, plugins: [observer], inferencePassData: toyInferenceData(64), batchesPerEpoch: 4 })] });
    expect(epochs).toEqual([0, 1, 2]);
    expect(passes.map((s) => s.ids.length)).toEqual([64, 64, 64]);
    // Training stopped after the third epoch: its inference pass saw the final model.
    const predicted = tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync();
    const agree = Array.from(data.labels).filter((label, i) => predicted[i] === label).length;
    expect(passes[2]!.correct!.reduce((a, b) => a + b, 0)).toBe(agree);
    tf.dispose([x, y]);
  });

  it('refuses, at once and saying why, a model from another copy of tfjs-layers (which would never call it)', () => {
    // A second evaluation of tfjs-layers, as a nested node_modules copy would give.
    const require = createRequire(import.meta.url);
    const path = require.resolve('@tensorflow/tfjs-layers');
    const cached = require.cache[path];
    Reflect.deleteProperty(require.cache, path);
    let other: typeof tfl;
    try {
      other = require('@tensorflow/tfjs-layers') as typeof tfl;
    } finally {
      require.cache[path] = cached;
    }
    expect(other.LayersModel).not.toBe(tfl.LayersModel);
    const model = other.sequential({ layers: [other.layers.dense({ inputShape: [2], units: 2, name: 'dense_of_the_other_copy' })] });
    expect(() => fitCallback({ model, plugins: [], inferencePassData: toyInferenceData() })).toThrow(/another copy of @tensorflow\/tfjs-layers .*npm ls @tensorflow\/tfjs-layers/);
    expect(() => fitCallback({ model: {} as tfl.LayersModel, plugins: [], inferencePassData: toyInferenceData() })).toThrow(/model must be a tfjs-layers LayersModel, got Object/);
  });

  it('refuses plugins that need the kernel step', () => {
    const model = toyModel();
    expect(() => fitCallback({ model, plugins: [{ name: 'lr', adjustLearningRate: () => 1 }], inferencePassData: toyInferenceData() })).toThrow(/lr need the mgdl kernel/);
  });
});

describe('progressReporter', () => {
  it('writes plain lines with epoch, step, loss, accuracy, samples/s and ETA when not on a terminal', async () => {
    let text = '';
    const stream = { isTTY: false, write: (chunk: string) => (text += chunk) };
    await train({ model: toyModel, data: toyBatcher(), epochs: 2, learningRate: 0.01, progress: { stream, intervalSeconds: 0 } });
    expect(text).toMatch(/epoch 1\/2 batch 1\/6 step 1 loss [\d.]+ acc [\d.]+% \d+ samples\/s ETA \d+m\d\ds/);
    expect(text).toMatch(/epoch 2\/2 step 12: train loss [\d.]+ acc [\d.]+%.* samples\/s/);
    expect(text).not.toContain('\r');
  });

  it('redraws one bar on a terminal', async () => {
    let text = '';
    const reporter = progressReporter({ stream: { isTTY: true, write: (chunk: string) => (text += chunk) } });
    await train({ model: toyModel, data: toyBatcher(), epochs: 1, learningRate: 0.01, progress: false, plugins: [reporter] });
    expect(text).toMatch(/^\r\[#+\.*\] epoch 1\/1 batch 1\/6/);
    expect(text).toContain('\r\x1b[Kepoch 1/1 step 6:');
  });
});
