import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { buildModel, regularizationLoss } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const kernels = (model: ReturnType<typeof buildModel>) => model.trainableWeights.filter((w) => w.name.endsWith('kernel'));

describe('L2', () => {
  it.each(['fcnn', 'cnn4', 'mcnn', 'textcnn', 'toneva-mnist', 'regression-mlp'])('%s: the penalty is λ·Σw² over conv and dense kernels only', (name) => {
    const lambda = 0.01;
    const model = buildModel(name, { l2: lambda });
    const expected = kernels(model).reduce((sum, w) => sum + tf.sum(tf.square(w.read())).dataSync()[0]!, 0);
    expect(regularizationLoss(model).dataSync()[0]).toBeCloseTo(lambda * expected, 3);
    const plain = buildModel(name);
    expect(regularizationLoss(plain).dataSync()[0]).toBe(0);
  });

  it('changes the gradient of every kernel by 2λw, and nothing else', () => {
    const lambda = 0.05;
    const model = buildModel('cnn4', { l2: lambda, dropout: 0, width: 1 });
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10);
    const data = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const withPenalty = tf.variableGrads(() => tf.add(data(), regularizationLoss(model)) as tf.Scalar).grads;
    const without = tf.variableGrads(data).grads;
    for (const weight of model.trainableWeights) {
      const difference = tf.sub(withPenalty[weight.originalName]!, without[weight.originalName]!);
      const expected = weight.name.endsWith('kernel') ? tf.mul(2 * lambda, weight.read()) : tf.zerosLike(difference);
      expect(tf.max(tf.abs(tf.sub(difference, expected))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });
});

describe('dropout', () => {
  it.each(['fcnn', 'cnn4', 'mcnn', 'textcnn', 'toneva-mnist', 'regression-mlp'])('%s: random in training mode only, and absent at rate 0', (name) => {
    const input = name === 'textcnn' ? tf.randomUniformInt([8, 40], 0, 8680, 3) : undefined;
    const forward = (model: ReturnType<typeof buildModel>, training: boolean) => {
      const shape = model.inputs[0]!.shape.map((d) => d ?? 8);
      return model.apply(input ?? tf.randomNormal(shape, 0, 1, 'float32', 2), { training }) as tf.Tensor;
    };
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    const dropped = buildModel(name, { dropout: 0.5 });
    expect(maxDiff(forward(dropped, true), forward(dropped, true))).toBeGreaterThan(1e-4);
    expect(maxDiff(forward(dropped, false), forward(dropped, false))).toBe(0);
    const kept = buildModel(name, { dropout: 0 });
    expect(kept.layers.some((l) => l.getClassName() === 'Dropout')).toBe(false);
    expect(maxDiff(forward(kept, true), forward(kept, true))).toBeLessThan(1e-6);
  });
});
