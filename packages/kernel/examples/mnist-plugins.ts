/**
 * Trains the Four-layer CNN on MNIST with two custom plugins: one adds a loss term, the other
 * halves the learning rate whenever the validation loss stops improving. With MGDL_DATA_DIR set to a
 * folder holding `mnist/` it trains on MNIST; without, on a small synthetic stand-in in MNIST's file
 * format (written to a temporary folder: it runs offline, in seconds).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { Batcher, loadMnist, splitTrainValidation, takeStratified, writeSyntheticDataset } from '@mgdl/datasets';
import { train, type KernelPlugin } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';

/** A loss term: the mean squared logit, which keeps the network from growing over-confident. */
function logitPenalty(weight: number): KernelPlugin {
  return {
    name: 'logit-penalty',
    lossTerms: ({ logits }) => ({ squared: tf.mul(weight, tf.mean(tf.square(logits))) as tf.Scalar }),
  };
}

/** Halves the learning rate each time the validation loss fails to improve; its state survives resume. */
function halveOnPlateau(): KernelPlugin {
  let factor = 1;
  let best = Infinity;
  return {
    name: 'halve-on-plateau',
    onEpochEnd: (metrics) => {
      const loss = metrics.validation?.loss;
      if (loss === undefined) return;
      if (loss < best) best = loss;
      else factor /= 2;
    },
    adjustLearningRate: () => factor,
    stateDict: () => ({ factor, best }),
    loadStateDict: (state) => ({ factor, best } = state as { factor: number; best: number }),
  };
}

const real = process.env['MGDL_DATA_DIR'] !== undefined;
const source = real ? {} : { dataDir: writeSyntheticDataset(mkdtempSync(join(tmpdir(), 'mnist-')), 'mnist', { train: 1200, test: 100 }), verify: false };
const [samples, epochs] = real ? [12000, 4] : [1200, 2];

await initBackend();
const all = await loadMnist({ split: 'train', ...source });
const { train: trainSet, validation } = splitTrainValidation(takeStratified(all, samples, 0), { validation: samples / 6, seed: 0 });
const result = await train({
  model: () => buildModel('cnn4'),
  data: new Batcher(trainSet, { batchSize: 128, seed: 0 }),
  epochs,
  learningRate: 1e-3,
  optimizer: { name: 'adam' },
  plugins: [logitPenalty(1e-3), halveOnPlateau()],
  evaluation: { validation: new Batcher(validation, { batchSize: 500, shuffle: false }) },
  seed: 0,
});
const last = result.epochMetrics.at(-1)!;
console.log(`validation accuracy ${(100 * last.validation!.accuracy!).toFixed(2)}%, lr ${last.learningRate}, ${result.seconds.toFixed(0)} s`);
