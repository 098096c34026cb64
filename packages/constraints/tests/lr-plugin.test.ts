import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { SeededMathRandom, train, type EpochMetrics, type KernelPlugin } from '@mgdl/kernel';
import { bedConstraints, constraintLearningRate, constraintLoss } from '../src/index.js';
import { arrayData, bedSamples, sand, tinyModel, weightsOf } from './fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const { all } = bedConstraints({ system: sand, inputs: ['superficialVelocity'] });
const samples = bedSamples(16);
const oneStep = (plugins: KernelPlugin[]) =>
  train({ model: tinyModel, data: arrayData(samples.x, samples.y, 16), epochs: 1, learningRate: 0.01, loss: 'mse', plugins, progress: false, seed: 5 });
const initial = () => weightsOf(SeededMathRandom.run(5, tinyModel));

describe('constraintLearningRate', () => {
  it("really changes Adam's step: factor 1/(1 + β·v̄) = 0.5 halves the first update", async () => {
    const start = initial();
    const full = weightsOf((await oneStep([])).model);
    const plugin = constraintLearningRate(all, { form: 'inverse', beta: 2, floor: 0.1 });
    plugin.loadStateDict!({ violation: 0.5, factor: 1 }); // as if resumed with v̄ = 0.5
    expect(plugin.factor).toBeCloseTo(0.5);
    const halved = weightsOf((await oneStep([plugin])).model);
    // Adam's first step is lr·m̂/(√v̂ + ε) ≈ lr·sign(g): scaling the gradient would not change it, the lr factor does.
    let compared = 0;
    start.forEach((w0, i) =>
      w0.forEach((v, j) => {
        const dFull = full[i]![j]! - v;
        if (Math.abs(dFull) < 1e-3) return;
        expect((halved[i]![j]! - v) / dFull).toBeCloseTo(0.5, 2);
        compared++;
      }),
    );
    expect(compared).toBeGreaterThan(10);
  });

  it('measures the batch violation through lossTerms and smooths it', async () => {
    const plugin = constraintLearningRate(all, { form: 'inverse', smoothing: 0 });
    const seen: number[] = [];
    await oneStep([plugin, { name: 'lr', onBatchEnd: (e) => void seen.push(e.learningRate) }]);
    const model = SeededMathRandom.run(5, tinyModel);
    const expected = tf.tidy(() => {
      const x = tf.tensor2d(samples.x);
      return tf.mean(all.violation(x, model.predict(x) as tf.Tensor)).dataSync()[0]!;
    });
    expect(plugin.violation).toBeCloseTo(expected, 5);
    expect(seen).toEqual([0.01]); // the first step has no measurement yet
    expect(plugin.factor).toBeCloseTo(Math.max(0.1, 1 / (1 + expected)), 5);
  });

  it('steps down by γ at each epoch end while v̄ > threshold, not below the floor, and saves its state', () => {
    const plugin = constraintLearningRate(all, { form: 'step', gamma: 0.5, threshold: 0.01, floor: 0.2 });
    const end = () => plugin.onEpochEnd!({} as EpochMetrics, { stop: () => undefined });
    end();
    expect(plugin.factor).toBe(1); // nothing measured yet
    plugin.loadStateDict!({ violation: 0.05, factor: 1 });
    end();
    expect(plugin.factor).toBe(0.5);
    end();
    end();
    expect(plugin.factor).toBe(0.2);
    plugin.loadStateDict!({ violation: 0.001, factor: 0.5 });
    end();
    expect(plugin.factor).toBe(0.5);
    expect(JSON.parse(JSON.stringify(plugin.stateDict!()))).toEqual({ violation: 0.001, factor: 0.5 });
    expect(() => plugin.loadStateDict!({ violation: -1, factor: 1 })).toThrow(/saved state must be/);
  });

  it('rejects bad options with clear errors', () => {
    expect(() => constraintLearningRate(all, { form: 'exp' as never })).toThrow(/form must be 'inverse' or 'step'/);
    expect(() => constraintLearningRate(all, { form: 'inverse', beta: -1 })).toThrow(/beta must be a number in \[0, ∞\)/);
    expect(() => constraintLearningRate(all, { form: 'inverse', floor: 0 })).toThrow(/floor must be a number in \(0, 1\]/);
    expect(() => constraintLearningRate(all, { form: 'step', gamma: 1 })).toThrow(/gamma must be a number in \(0, 1\)/);
    expect(() => constraintLearningRate(all, { form: 'inverse', smoothing: 1 })).toThrow(/smoothing must be a number in \[0, 1\)/);
  });
});

describe('both plugin families in train()', () => {
  it('keep tf.memory().numTensors flat from epoch to epoch', async () => {
    const counts: number[] = [];
    await train({
      model: tinyModel,
      data: arrayData(samples.x, samples.y, 4),
      epochs: 4,
      learningRate: 0.01,
      loss: 'mse',
      plugins: [
        constraintLoss(all, { weight: 'adaptive', adaptive: { every: 3 }, collocation: [[0.4], [0.9]] }),
        constraintLoss(all, { weight: { warmupEpochs: 2, weight: 1 }, name: 'warm' }),
        constraintLoss(all, { weight: 'gradnorm', gradnorm: { every: 2 }, name: 'gradnorm' }),
        constraintLearningRate(all, { form: 'inverse' }),
        constraintLearningRate(all, { form: 'step', name: 'step' }),
        { name: 'memory', onEpochEnd: () => void counts.push(tf.memory().numTensors) },
      ],
      progress: false,
    });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
  });
});
