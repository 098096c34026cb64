import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { SeededMathRandom, train, type BatchEndEvent } from '@mgdl/kernel';
import { bedConstraints, constraintLoss, ConstraintError, gradNormWeight, warmupFactor } from '../src/index.js';
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
    expect(Object.keys(guided.epochMetrics[0]!.terms)).toEqual(['constraint-loss:bubbling-bed/violation']);
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

  it('balances λ GradNorm-style: the first update moves λ‖∇L_c‖ toward the mean norm, and L(0) is saved', async () => {
    const plugin = constraintLoss(all, { weight: 'gradnorm', gradnorm: { rate: 1, every: 1, initial: 1 } });
    await run([plugin], 1, 16);
    // At the first update both losses are at their reference, so the target is the mean norm (G_d + G_c)/2
    // and with η = 1 one update gives λ = (G_d + G_c) / (2 G_c): the norms computed here on the initial weights.
    const model = SeededMathRandom.run(0, tinyModel);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const [dataNorm, constraintNorm] = tf.tidy(() => {
      const [x, y] = [tf.tensor2d(samples.x), tf.tensor2d(samples.y)];
      const norm = (loss: () => tf.Scalar) => Math.sqrt(Object.values(tf.variableGrads(loss, vars).grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0));
      return [norm(() => tf.mean(tf.square(tf.sub(model.predict(x) as tf.Tensor, y)))), norm(() => tf.mean(all.violation(x, model.predict(x) as tf.Tensor)))];
    });
    expect(plugin.weight).toBeCloseTo((dataNorm! + constraintNorm!) / (2 * constraintNorm!), 3);
    const state = JSON.parse(JSON.stringify(plugin.stateDict!())) as { weight: number; initialLosses: number[] };
    expect(state.initialLosses).toHaveLength(2);
    const resumed = constraintLoss(all, { weight: 'gradnorm' });
    resumed.loadStateDict!(state);
    expect(resumed.weight).toBe(plugin.weight);
    expect(resumed.stateDict!()).toEqual(state);
    expect(() => resumed.loadStateDict!({ weight: 1, initialLosses: [1, -2] })).toThrow(/initialLosses must be two positive numbers/);
  });

  it('GradNorm: a term that trains slower gets more weight (asymmetry α), balanced terms keep theirs', () => {
    const base = { dataNorm: 2, constraintNorm: 2, dataLoss: 0.5, constraintLoss: 0.5, initialDataLoss: 1, initialConstraintLoss: 1 };
    expect(gradNormWeight(1, base, 1.5, 0.5, 1e4)).toBeCloseTo(1, 12);
    // The constraint has kept all of its initial loss while the data loss halved: r_c = 1/0.75 = 4/3,
    // target = Ḡ r_c^α = 2 · (4/3)^1.5, and λ ← (target / 2)^η.
    const slow = { ...base, constraintLoss: 1 };
    expect(gradNormWeight(1, slow, 1.5, 0.5, 1e4)).toBeCloseTo(Math.sqrt((4 / 3) ** 1.5), 12);
    expect(gradNormWeight(1, slow, 0, 0.5, 1e4)).toBeCloseTo(1, 12);
    // Unequal norms, equal rates: λ‖∇L_c‖ = 1 against Ḡ = (3 + 1)/2 = 2, so η = 1 doubles λ; the cap applies.
    const weak = { ...base, dataNorm: 3, constraintNorm: 1 };
    expect(gradNormWeight(1, weak, 1.5, 1, 1e4)).toBeCloseTo(2, 12);
    expect(gradNormWeight(1, weak, 1.5, 1, 1.5)).toBe(1.5);
    expect(gradNormWeight(1, { ...base, constraintNorm: 0 }, 1.5, 1, 1e4)).toBe(1);
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
    expect(() => constraintLoss(all, { weight: 'gradnorm', gradnorm: { initial: 0 } })).toThrow(/gradnorm.initial must be a number in \(0, ∞\)/);
    expect(() => constraintLoss(all, { weight: 'gradnorm', gradnorm: { rate: 2 } })).toThrow(/gradnorm.rate must be a number in \(0, 1\]/);
    expect(() => constraintLoss(all, { weight: 1, gradnorm: { every: 2 } })).toThrow(/need weight: 'gradnorm'/);
  });
});
