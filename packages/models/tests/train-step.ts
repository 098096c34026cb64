import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildModel, modelNames, regularizationLoss } from '../src/index.js';

/** Inputs and a loss for one batch of the model's default task. */
function batchFor(name: string, model: ReturnType<typeof buildModel>) {
  const shape = model.inputs[0]!.shape.map((d) => d ?? 6);
  const x = name === 'textcnn' ? tf.randomUniformInt(shape, 0, 500, 1) : tf.randomNormal(shape, 0, 1, 'float32', 1);
  const outputs = model.outputs[0]!.shape[1]!;
  if (name === 'regression-mlp') {
    const y = tf.randomNormal([6, outputs], 0, 1, 'float32', 2);
    return { x, y, loss: (out: tf.Tensor) => tf.losses.meanSquaredError(y, out) as tf.Scalar };
  }
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5].map((c) => c % outputs), 'int32'), outputs);
  return { x, y, loss: (out: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar };
}

/** Every zoo model takes training steps on the current backend without leaking a tensor. */
export function trainStepSuite(backend: string): void {
  describe(`one training step on ${backend}`, () => {
    it.each(modelNames)('%s: weights move, no tensor is left behind', (name) => {
      // A small vocabulary: tfjs-cpu's embedding gradient loops once per vocabulary entry.
      const model = buildModel(name, { l2: 1e-4, ...(name === 'textcnn' ? { vocabSize: 500 } : {}) });
      const { x, y, loss } = batchFor(name, model);
      const optimizer = tf.train.sgd(0.1);
      const step = () => {
        const { value, grads } = tf.variableGrads(() => tf.add(loss(model.apply(x, { training: true }) as tf.Tensor), regularizationLoss(model)) as tf.Scalar);
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      };
      const before = model.trainableWeights.map((w) => w.read().dataSync().slice());
      const tensors = tf.memory().numTensors;
      step();
      expect(tf.memory().numTensors).toBe(tensors);
      const moved = model.trainableWeights.filter((w, i) => w.read().dataSync().some((v, j) => v !== before[i]![j])).length;
      expect(moved).toBeGreaterThan(model.trainableWeights.length / 2);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    });
  });
}
