/**
 * Every zoo net's first two SGD steps on webgpu equal the cpu backend's (in CI on Mesa's llvmpipe, a
 * software adapter: small batches and two steps keep it cheap). Same initial weights and batch on
 * both; dropout is off, since the two backends draw different masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { buildModel, modelNames, regularizationLoss, type ZooOptions } from '../src/index.js';

/**
 * Per variable: |Δw(webgpu) − Δw(cpu)| ≤ UPDATE_RTOL · max |Δw(cpu)| + UPDATE_ATOL, Δw the change
 * over the two steps. The absolute part is for variables whose gradient is float32 noise (a
 * convolution's bias before batch norm: its exact gradient is 0).
 */
const UPDATE_RTOL = 1e-3;
const UPDATE_ATOL = 1e-6;
/** |loss(webgpu) − loss(cpu)| ≤ LOSS_RTOL · max(1, |loss(cpu)|) at each step. */
const LOSS_RTOL = 1e-4;
const BATCH = 4;

beforeAll(async () => {
  await initBackend({ backend: 'webgpu' });
});

interface Batch {
  x: { values: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' };
  y: { values: Float32Array; shape: number[] };
  regression: boolean;
}

/** Smaller inputs than the zoo's defaults where tfjs-cpu, the reference, would take minutes: the same layers and kernels. */
const SMALLER: Record<string, ZooOptions> = {
  cnn4: { inputShape: [14, 14, 1] },
  textcnn: { vocabSize: 500, sequenceLength: 12, embeddingDim: 32, filters: 16 },
};
const options = (name: string): ZooOptions => ({ l2: 1e-4, dropout: 0, ...SMALLER[name] });

/** The net's initial weights and one batch, drawn on cpu. */
function draw(name: string): { weights: { values: Float32Array; shape: number[] }[]; trainable: Float32Array[]; batch: Batch } {
  const model = buildModel(name, options(name));
  const weights = model.getWeights().map((w) => ({ values: (w.dataSync() as Float32Array).slice(), shape: [...w.shape] }));
  const trainable = model.trainableWeights.map((w) => (w.read().dataSync() as Float32Array).slice());
  const shape = model.inputs[0]!.shape.map((d) => d ?? BATCH);
  const outputs = model.outputs[0]!.shape[1]!;
  const regression = name === 'regression-mlp';
  const x = name === 'textcnn'
    ? { values: tf.randomUniformInt(shape, 0, 500, 1).dataSync() as Int32Array, shape, dtype: 'int32' as const }
    : { values: tf.randomNormal(shape, 0, 1, 'float32', 1).dataSync() as Float32Array, shape, dtype: 'float32' as const };
  const y = regression
    ? tf.randomNormal([BATCH, outputs], 0, 1, 'float32', 2)
    : tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % outputs), 'int32'), outputs);
  const batch = { x, y: { values: y.dataSync() as Float32Array, shape: [...y.shape] }, regression };
  tf.dispose(y);
  model.dispose();
  return { weights, trainable, batch };
}

/** Two SGD steps on the current backend from the given weights; the losses, the final weights and the tensors left behind. */
async function twoSteps(name: string, start: ReturnType<typeof draw>): Promise<{ losses: number[]; weights: Float32Array[]; leaked: number }> {
  const model = buildModel(name, options(name));
  const initial = start.weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(initial);
  tf.dispose(initial);
  const x = tf.tensor(start.batch.x.values, start.batch.x.shape, start.batch.x.dtype);
  const y = tf.tensor(start.batch.y.values, start.batch.y.shape);
  const loss = (out: tf.Tensor) => (start.batch.regression ? tf.losses.meanSquaredError(y, out) : tf.losses.softmaxCrossEntropy(y, out)) as tf.Scalar;
  const optimizer = tf.train.sgd(0.1);
  const losses: number[] = [];
  const tensors = tf.memory().numTensors;
  for (let step = 0; step < 2; step++) {
    const { value, grads } = tf.variableGrads(() => tf.add(loss(model.apply(x, { training: true }) as tf.Tensor), regularizationLoss(model)) as tf.Scalar);
    optimizer.applyGradients(grads);
    losses.push((await value.data())[0]!);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const leaked = tf.memory().numTensors - tensors;
  const weights = await Promise.all(model.trainableWeights.map(async (w) => (await w.read().data()) as Float32Array));
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { losses, weights, leaked };
}

function expectSameUpdates(name: string, initial: Float32Array[], cpu: Float32Array[], gpu: Float32Array[]): void {
  expect(gpu.length).toBe(cpu.length);
  cpu.forEach((after, v) => {
    const before = initial[v]!;
    let largest = 0;
    let worst = 0;
    for (let i = 0; i < after.length; i++) largest = Math.max(largest, Math.abs(after[i]! - before[i]!));
    for (let i = 0; i < after.length; i++) worst = Math.max(worst, Math.abs(gpu[v]![i]! - before[i]! - (after[i]! - before[i]!)));
    expect(worst, `${name} variable ${v}: largest update ${largest}`).toBeLessThanOrEqual(UPDATE_RTOL * largest + UPDATE_ATOL);
  });
}

describe('two SGD steps on webgpu equal the cpu backend\'s', () => {
  it.each(modelNames)('%s', async (name) => {
    await tf.setBackend('cpu');
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false; // tfjs-cpu's advice to install tfjs-node
    const start = draw(name);
    const cpu = await twoSteps(name, start);
    await tf.setBackend('webgpu');
    const gpu = await twoSteps(name, start);
    expect(gpu.leaked, 'tensors left behind on webgpu').toBe(0);
    expect(cpu.leaked, 'tensors left behind on cpu').toBe(0);
    gpu.losses.forEach((l, step) => expect(Math.abs(l - cpu.losses[step]!), `loss at step ${step + 1}: ${l} vs ${cpu.losses[step]}`).toBeLessThanOrEqual(LOSS_RTOL * Math.max(1, Math.abs(cpu.losses[step]!))));
    expect(cpu.losses[1], 'the cpu loss moved (the steps trained)').not.toBe(cpu.losses[0]);
    expectSameUpdates(name, start.trainable, cpu.weights, gpu.weights);
  });
});
