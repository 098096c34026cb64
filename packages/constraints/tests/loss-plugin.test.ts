import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { SeededMathRandom, train, type BatchEndEvent } from '@mgdl/kernel';
import { bedConstraints, constraintLoss, ConstraintError, warmupFactor } from '../src/index.js';
import { arrayData, bedSamples, sand, tinyModel, weightsOf } from './fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const { all } = bedConstraints({ system: sand, inputs: ['superficialVelocity'] });
const samples = bedSamples(16);
const quiet = { progress: false, loss: 'mse', learningRate: 0.01 } as const;
const run = (plugins: Parameters<typeof train>[0]['plugins'], epochs = 2, batchSize = 8) =>
  train({ model: tinyModel, data: arrayData(samples.x, samples.y, batchSize), epochs, plugins, ...quiet });

describe('constraintLoss', () => {
  it('adds λ·mean(violation) as a named term and changes training', async () => {
    const plain = await run([]);
    const terms: Record<string, number>[] = [];
    const guided = await run([constraintLoss(all, { weight: 2 }), { name: 'spy', onBatchEnd: (e: BatchEndEvent) => void terms.push(e.terms) }]);
    expect(Object.keys(guided.history[0]!.terms)).toEqual(['constraint-loss:bubbling-bed/violation']);
    expect(terms.every((t) => t['constraint-loss:bubbling-bed/violation']! > 0)).toBe(true);
    // The first step's term is 2 × the mean violation of the initial model on the first batch.
    const model = SeededMathRandom.run(0, tinyModel);
    const expected = tf.tidy(() => {
      const x = tf.tensor2d(samples.x.slice(0, 8));
      return 2 * tf.mean(all.violation(x, model.predict(x) as tf.Tensor)).dataSync()[0]!;
    });
    expect(terms[0]!['constraint-loss:bubbling-bed/violation']).toBeCloseTo(expected, 4);
    const [a, b] = [weightsOf(plain.model), weightsOf(guided.model)];
    expect(a.some((w, i) => w.some((v, j) => Math.abs(v - b[i]![j]!) > 1e-6))).toBe(true);
  });

  it('enforces the constraint on unlabelled collocation rows too', async () => {
    const collocation = [[0.35], [0.5], [0.95]];
    const terms: number[] = [];
    await run([constraintLoss(all, { weight: 1, collocation }), { name: 'spy', onBatchEnd: (e: BatchEndEvent) => void terms.push(e.terms['constraint-loss:bubbling-bed/violation']!) }], 1);
    const model = SeededMathRandom.run(0, tinyModel);
    const expected = tf.tidy(() => {
      const x = tf.concat([tf.tensor2d(samples.x.slice(0, 8)), tf.tensor2d(collocation)]);
      return tf.mean(all.violation(x, model.predict(x) as tf.Tensor)).dataSync()[0]!;
    });
    expect(terms[0]).toBeCloseTo(expected, 4);
    expect(() => constraintLoss(all, { weight: 1, collocation: [[0.3], [0.4, 1]] })).toThrow(/collocation must be/);
    expect(() => constraintLoss(all, { weight: 1, collocation: [] })).toThrow(/collocation must be/);
  });

  it('warms λ up linearly, per step', async () => {
    const plugin = constraintLoss(all, { weight: { warmupEpochs: 2, weight: 4 } });
    const weights: number[] = [];
    await run([plugin, { name: 'spy', onBatchEnd: () => void weights.push(plugin.weight) }], 3, 4);
    expect(weights).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4, 4, 4]);
    expect(warmupFactor(3, 1, 2, 4)).toBeCloseTo(1.5 / 3);
  });

  it("moves the adaptive λ toward the gradient ratio max|∇L_data| / mean|∇L_constraint| and saves it", async () => {
    const plugin = constraintLoss(all, { weight: 'adaptive', adaptive: { alpha: 0.5, every: 1, initial: 1 } });
    await run([plugin], 1, 16);
    // The same ratio, computed here on the initial weights and the one batch.
    const model = SeededMathRandom.run(0, tinyModel);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const ratio = tf.tidy(() => {
      const [x, y] = [tf.tensor2d(samples.x), tf.tensor2d(samples.y)];
      const data = tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.predict(x) as tf.Tensor, y))), vars).grads;
      const physics = tf.variableGrads(() => tf.mean(all.violation(x, model.predict(x) as tf.Tensor)), vars).grads;
      const maxData = Math.max(...Object.values(data).map((g) => tf.max(tf.abs(g)).dataSync()[0]!));
      const sum = Object.values(physics).reduce((s, g) => s + tf.sum(tf.abs(g)).dataSync()[0]!, 0);
      return maxData / (sum / vars.reduce((n, v) => n + v.size, 0));
    });
    expect(plugin.weight).toBeCloseTo(0.5 + 0.5 * ratio, 3);
    expect(plugin.weight).not.toBeCloseTo(1, 3);
    const state = JSON.parse(JSON.stringify(plugin.stateDict!()));
    const resumed = constraintLoss(all, { weight: 'adaptive' });
    resumed.loadStateDict!(state);
    expect(resumed.weight).toBe(plugin.weight);
    expect(() => resumed.loadStateDict!({ weight: -1 })).toThrow(/no valid weight/);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => constraintLoss(all, { weight: -1 })).toThrow(/weight must be a number in \[0, ∞\), got -1/);
    expect(() => constraintLoss(all, { weight: NaN })).toThrow(ConstraintError);
    expect(() => constraintLoss(all, { weight: { warmupEpochs: 0, weight: 1 } })).toThrow(/warmupEpochs must be a number in \(0, ∞\)/);
    expect(() => constraintLoss(all, { weight: 'fixed' as never })).toThrow(/'adaptive'/);
    expect(() => constraintLoss(all, { weight: 'adaptive', adaptive: { alpha: 0 } })).toThrow(/alpha must be a number in \(0, 1\]/);
    expect(() => constraintLoss(all, { weight: 'adaptive', adaptive: { every: 1.5 } })).toThrow(/every must be a positive integer/);
    expect(() => constraintLoss(all, { weight: 1, adaptive: { every: 2 } })).toThrow(/need weight: 'adaptive'/);
    expect(() => constraintLoss(all, { weight: 'adaptive', dataLoss: 'huber' as never })).toThrow(/dataLoss must be/);
  });
});
