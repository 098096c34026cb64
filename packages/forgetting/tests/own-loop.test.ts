import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, fromArrays, parseCsvTable, withLabelNoise } from '@mgdl/datasets';
import { fitCallback, train, type KernelPlugin } from '@mgdl/kernel';
import { createRandom } from '@mgdl/random';
import { aum, dataMaps, dynamicsRecorder, el2n, forgettingStatistics, historyToCsv } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A user's CSV table: two operating conditions, three regimes (blobs), as a process engineer would export it. */
function csvTable(n: number): string {
  const random = createRandom(7);
  const centres = [[-1, -1], [1, -1], [0, 1.2]];
  const names = ['bubbling', 'slugging', 'turbulent'];
  const rows = Array.from({ length: n }, (_, i) => {
    const c = i % 3;
    return `run-${i},${(centres[c]![0]! + 0.8 * (random() - 0.5)).toFixed(4)},${(centres[c]![1]! + 0.8 * (random() - 0.5)).toFixed(4)},${names[c]}`;
  });
  return `id,gas_velocity,bed_height,regime\n${rows.join('\n')}\n`;
}

function userModel(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [2], units: 12, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 3 }));
  return model;
}

/** Reads each batch's logits from the kernel's own forward pass (a loss-term hook that adds no term). */
function logitsTap(): KernelPlugin & { batches: { epoch: number; ids: Int32Array; logits: Float32Array; labels: Int32Array }[] } {
  const batches: { epoch: number; ids: Int32Array; logits: Float32Array; labels: Int32Array }[] = [];
  let epoch = 0;
  return {
    name: 'logits-tap',
    batches,
    onEpochStart: (event) => {
      epoch = event.epoch;
    },
    lossTerms: ({ logits, y, ids }) => {
      batches.push({ epoch, ids: ids.slice(), logits: Float32Array.from(logits.dataSync()), labels: Int32Array.from(y.dataSync()) });
      return {};
    },
  };
}

describe('your own data, model and loop', () => {
  it('trains a user-defined tfjs model on a CSV table through Batcher with the forgetting plugin, and a recorder fed the same logits gets the same history and statistics', async () => {
    const table = withLabelNoise(parseCsvTable(csvTable(90), { label: 'regime', file: 'runs.csv' }), { kind: 'symmetric', p: 0.2, seed: 3 });
    expect(table.names![5]).toBe('run-5');
    const stats = forgettingStatistics({ ids: table.ids, floats: ['loss', 'margin', 'pGold'] });
    const maps = dataMaps({ source: 'presentation' });
    const margins = aum({ source: 'presentation' });
    const scores = el2n({ source: 'presentation' });
    const tap = logitsTap();
    const { model } = await train({ model: userModel, data: new Batcher(table, { batchSize: 16, seed: 1 }), epochs: 6, learningRate: 0.05, optimizer: { name: 'adam' }, seed: 2, plugins: [stats, maps, margins, scores, tap] });
    model.dispose();

    const recorder = dynamicsRecorder({ names: table.names! });
    for (const batch of tap.batches) recorder.update({ ids: Array.from(batch.ids, (id) => table.names![id]!), logits: batch.logits, labels: batch.labels, epoch: batch.epoch });
    const kernel = stats.history('presentation');
    const own = recorder.history();
    expect(own.steps).toBe(6);
    expect(historyToCsv(own)).toBe(historyToCsv(kernel));
    const analysis = recorder.analyze();
    expect(analysis.learningEvents).toBeGreaterThan(0);
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits: number) => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));
    close(own.float('margin')!, kernel.float('margin')!, 5);
    close(own.float('loss')!, kernel.float('loss')!, 5);
    close(recorder.aum()!.aum, margins.result().aum, 5);
    close(recorder.dataMap()!.confidence, maps.result().confidence, 5);
    close(recorder.dataMap()!.variability, maps.result().variability, 5);
    close(recorder.el2n()!.score, scores.result().score, 5);
    expect(Array.from(recorder.dataMap()!.correctness)).toEqual(Array.from(maps.result().correctness));
  });

  it('records a plain trainOnBatch loop (the model.fit user’s way to presentations), and fitCallback says which mode works and why', async () => {
    const table = parseCsvTable(csvTable(30), { label: 'regime' });
    const model = userModel();
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const recorder = dynamicsRecorder({ ids: table.ids });
    const batcher = new Batcher(table, { batchSize: 10, seed: 4 });
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const batch of batcher.epoch(epoch)) {
        // Logits before the update, as the kernel records presentations (this model has no dropout, so predict = the training-mode pass).
        const logits = model.predict(batch.x) as tf.Tensor;
        recorder.update({ ids: batch.ids, logits, labels: batch.labels });
        logits.dispose();
        const targets = tf.oneHot(batch.y as tf.Tensor1D, 3);
        await model.trainOnBatch(batch.x, targets);
        targets.dispose();
      }
      recorder.endEpoch();
    }
    expect(recorder.history().steps).toBe(3);
    expect(recorder.history().samples).toBe(30);
    const callback = () => fitCallback({ model, plugins: [forgettingStatistics({ ids: table.ids })], inferencePassData: new Batcher(table, { batchSize: 30, shuffle: false }) });
    expect(callback).toThrow(/model\.fit hides each batch's logits, so inside it record the 'inference-pass' series .*dynamicsRecorder/);
    expect(() => fitCallback({ model, plugins: [forgettingStatistics({ ids: table.ids, mode: 'inference-pass' })], inferencePassData: new Batcher(table, { batchSize: 30, shuffle: false }) })).not.toThrow();
  });

  it('trains a regression table (fromArrays with targets) with the kernel’s mse loss', async () => {
    // y = 2·a − b + 0.5 on a grid: a small net fits it; the loss must fall well below the targets' variance.
    const n = 64;
    const x = Float32Array.from({ length: n * 2 }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
    const targets = Float32Array.from({ length: n }, (_, r) => 2 * x[2 * r]! - x[2 * r + 1]! + 0.5);
    const data = fromArrays({ x, shape: [n, 2], targets });
    const model = () => {
      const m = tfl.sequential();
      m.add(tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }));
      m.add(tfl.layers.dense({ units: 1 }));
      return m;
    };
    const losses: number[] = [];
    const result = await train({ model, data: new Batcher(data, { batchSize: 16, seed: 0 }), epochs: 30, learningRate: 0.02, optimizer: { name: 'adam' }, loss: 'mse', plugins: [{ name: 'loss-log', onEpochEnd: (m) => void losses.push(m.train.loss) }] });
    result.model.dispose();
    const mean = targets.reduce((a, b) => a + b, 0) / n;
    const variance = targets.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(losses[0]).toBeGreaterThan(losses.at(-1)!);
    expect(losses.at(-1)!).toBeLessThan(0.1 * variance);
  });
});
