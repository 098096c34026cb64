/**
 * The zoo's dense layers run @mgdl/backend's fused dense kernels on wasm with oneDNN (required
 * here: without libdnnl.so.2 initBackend fails and says how to install it) and tfjs's Dense on cpu;
 * a training step's loss and gradients agree between the two.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DENSE, initBackend } from '@mgdl/backend';
import { buildModel, FusedDense, type ZooOptions } from '../src/index.js';

beforeAll(async () => {
  const report = await initBackend({ backend: 'wasm', threads: 1, native: true });
  expect(report.native.kernels).toContain(DENSE);
});

/** mulberry32: the same weights and data on both backends. */
function floats(seed: number, n: number, scale: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return scale * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1);
  });
}

interface Step {
  loss: number;
  grads: Float32Array[];
  kernels: Set<string>;
}

/** One training step's loss, gradients (per trainable weight) and the kernels it ran, on `backend`. */
async function step(backend: 'cpu' | 'wasm', name: string, options: ZooOptions, batch: number): Promise<Step> {
  await tf.setBackend(backend);
  const model = buildModel(name, options);
  model.setWeights(model.weights.map((w, i) => tf.tensor(floats(10 + i, w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0.3), w.shape as number[])));
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const outputs = model.outputs[0]!.shape[1]!;
  const size = batch * inputShape.reduce((a, b) => a * b, 1);
  // Token ids for the text net, Gaussian-like floats for the others.
  const x = model.inputs[0]!.dtype === 'int32' ? tf.tensor(floats(1, size, 1).map((v) => Math.floor(Math.abs(v) * 50)), [batch, ...inputShape], 'int32') : tf.tensor(floats(1, size, 1), [batch, ...inputShape]);
  const y = tf.tensor(floats(2, batch * outputs, 1), [batch, outputs]);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  const profile = await tf.profile(() => {
    result = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.softmax(y), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  });
  const { value, grads } = result!;
  const out = { loss: value.dataSync()[0]!, grads: variables.map((v) => grads[v.name]!.dataSync() as Float32Array), kernels: new Set(profile.kernels.map((k) => k.name)) };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('a training step through fused dense layers (wasm + oneDNN) matches tfjs Dense (cpu)', () => {
  it.each([
    ['fcnn', { width: 2 }, 16],
    ['regression-mlp', { outputs: 3 }, 12],
    ['toneva-mnist', {}, 4],
    ['textcnn', { vocabSize: 50, sequenceLength: 8, embeddingDim: 6, filters: 4, dropout: 0 }, 5],
  ] as const)('%s %j, batch %i', async (name, options, batch) => {
    const cpu = await step('cpu', name, options, batch);
    const wasm = await step('wasm', name, options, batch);
    expect(wasm.kernels.has('_FusedMatMul'), "wasm ran no tfjs Dense's _FusedMatMul").toBe(false);
    expect(wasm.kernels.has(DENSE), 'wasm ran MgdlDense').toBe(true);
    expect(cpu.kernels.has(DENSE), 'cpu ran tfjs Dense').toBe(false);
    // float32 sums in another order: a few ulps of the √terms-sized partial sums (terms ≤ 784 here).
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(cpu.loss)));
    wasm.grads.forEach((g, i) => {
      const want = cpu.grads[i]!;
      const worst = g.reduce((m, v, j) => Math.max(m, Math.abs(v - want[j]!) / Math.max(0.05, Math.abs(want[j]!))), 0);
      expect(worst, `gradient ${i}: worst relative error`).toBeLessThan(2e-4);
    });
  });
});

describe('FusedDense is tfjs Dense to the outside', () => {
  it('same class name, layer names, config and parameters as tfl.layers.dense', async () => {
    await tf.setBackend('wasm');
    const fused = new FusedDense({ units: 3, activation: 'tanh', inputShape: [4] });
    const plain = tfl.layers.dense({ units: 3, activation: 'tanh', inputShape: [4] });
    expect(fused.getClassName()).toBe('Dense');
    expect(fused.name).toMatch(/^dense_Dense\d+$/);
    const { name: _fusedName, ...fusedConfig } = fused.getConfig();
    const { name: _plainName, ...plainConfig } = plain.getConfig();
    expect(fusedConfig).toEqual(plainConfig);
    const model = tfl.sequential({ layers: [fused] });
    expect((JSON.parse(model.toJSON() as string) as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name)).toEqual(['Dense']);
    model.dispose();
  });

  it('inputs of rank 3 take tfjs Dense (the fused kernel is for matrices)', async () => {
    await tf.setBackend('wasm');
    const layer = new FusedDense({ units: 2, activation: 'relu' });
    const x = tf.ones([2, 3, 4]);
    const profile = await tf.profile(() => void tf.dispose(layer.apply(x) as tf.Tensor));
    const names = profile.kernels.map((k) => k.name);
    expect(names).not.toContain(DENSE);
    expect(names).toContain('_FusedMatMul');
    tf.dispose(x);
    layer.dispose();
  });
});
