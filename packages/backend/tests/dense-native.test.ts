/**
 * The fused dense layer (MgdlDense / MgdlDenseGrad, oneDNN's sgemm on the wasm heap) against
 * tfjs's own ops on the cpu backend: values and all three gradients, random and layer-sized
 * shapes, every activation, with and without bias. libdnnl.so.2 is required (the error says how to
 * install it); dense-absent.test.ts covers the backend without it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, type MockInstance } from 'vitest';
import { canRunDense, dense, DENSE, DENSE_GRAD, denseActivations, type DenseActivation } from '../src/index.js';
import { calledSinceLastCheck, spyOnOneDnn } from './kernel-paths.js';
import { expectNoLeak, expectWasmMatchesCpu, Random, runOn, setupBackendsWithNative } from './support.js';

let sgemm: MockInstance;

beforeAll(async () => {
  const report = await setupBackendsWithNative(true);
  expect(report.native.kernels).toEqual(expect.arrayContaining([DENSE, DENSE_GRAD]));
  sgemm = spyOnOneDnn().sgemm;
});

interface DenseCase {
  batch: number;
  inputs: number;
  units: number;
  activation: DenseActivation;
  bias: boolean;
}

const rng = new Random(0xde5e);
const cases: DenseCase[] = [
  ...Array.from({ length: 18 }, (_, i) => ({
    batch: rng.int(1, 9),
    inputs: rng.int(1, 9),
    units: rng.int(1, 9),
    activation: denseActivations[i % 3]!,
    bias: i % 6 < 4,
  })),
  // The zoo's layer sizes at batch 128, where sgemm takes its blocked paths.
  { batch: 128, inputs: 784, units: 160, activation: 'relu', bias: true },
  { batch: 128, inputs: 160, units: 10, activation: 'linear', bias: true },
  { batch: 128, inputs: 64, units: 64, activation: 'tanh', bias: true },
  { batch: 33, inputs: 300, units: 6, activation: 'linear', bias: false },
];

const describeCase = (c: DenseCase): string => `x[${c.batch},${c.inputs}] → ${c.units} ${c.activation}${c.bias ? ' + bias' : ''}`;

/** tfjs's composite: what tfjs-layers' Dense computes (fused.matMul for relu/linear, then tanh). */
function reference(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | undefined, activation: DenseActivation): tf.Tensor2D {
  const linear = b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w);
  return (activation === 'relu' ? tf.relu(linear) : activation === 'tanh' ? tf.tanh(linear) : linear) as tf.Tensor2D;
}

/** y and the gradients of Σ y·u (u random) with respect to x, W and b, on the current backend. */
function valueAndGrads(c: DenseCase, seed: number, layer: typeof dense | typeof reference): () => tf.Tensor[] {
  return () => {
    const r = new Random(seed);
    const x = tf.tensor2d(r.floats(c.batch * c.inputs), [c.batch, c.inputs]);
    const w = tf.tensor2d(r.floats(c.inputs * c.units), [c.inputs, c.units]);
    const b = tf.tensor1d(r.floats(c.units));
    const upstream = tf.tensor2d(r.floats(c.batch * c.units), [c.batch, c.units]);
    const f = (xs: tf.Tensor, ws: tf.Tensor, bs?: tf.Tensor) => layer(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D | undefined, c.activation);
    const y = f(x, w, c.bias ? b : undefined);
    const grads = c.bias ? tf.grads((xs, ws, bs) => tf.sum(tf.mul(f(xs!, ws!, bs!), upstream)))([x, w, b]) : tf.grads((xs, ws) => tf.sum(tf.mul(f(xs!, ws!), upstream)))([x, w]);
    return [y, ...grads];
  };
}

/**
 * Tolerance rtol 1e-4 of max(scale, |expected|) with scale 2·√(terms): y and dx sum `inputs` or
 * `units` products, dW and db sum over the batch; float32 sums in another order differ by a few ulps
 * of √terms-sized partial sums (tanh adds an ulp of its own).
 */
const scaleOf = (c: DenseCase): number => 2 * Math.sqrt(Math.max(c.inputs, c.units, c.batch));

describe('dense (oneDNN) matches tfjs ops on cpu: value, dx, dW, db', () => {
  const ranInOneDnn = calledSinceLastCheck(() => sgemm, 'dnnl_sgemm');
  cases.forEach((c, i) => {
    it(`#${i} ${describeCase(c)}`, async () => {
      const results = await expectWasmMatchesCpu(valueAndGrads(c, 50 + i, dense), { scale: scaleOf(c) }, valueAndGrads(c, 50 + i, reference));
      expect(results.map((r) => r.shape)).toEqual([[c.batch, c.units], [c.batch, c.inputs], [c.inputs, c.units], ...(c.bias ? [[c.units]] : [])]);
      ranInOneDnn();
      if (c.activation !== 'linear') expect(Math.min(...(results[0]?.values ?? [])), 'relu ≥ 0, tanh > −1').toBeGreaterThanOrEqual(c.activation === 'relu' ? 0 : -1);
    });
  });
});

describe('kernel calls', () => {
  /** The kernels one forward and backward pass runs, in order, by name. */
  async function kernelsOf(run: () => unknown): Promise<string[]> {
    await tf.setBackend('wasm');
    const profile = await tf.profile(() => void tf.tidy(() => void run()));
    return profile.kernels.map((k) => k.name);
  }
  const layer = () => [tf.randomNormal([16, 12]) as tf.Tensor2D, tf.randomNormal([12, 8]) as tf.Tensor2D, tf.randomNormal([8]) as tf.Tensor1D] as const;

  it('a hidden layer: one forward kernel, one gradient kernel, one product for dx (tfjs ops: ~14)', async () => {
    const [x, w, b] = layer();
    const names = await kernelsOf(() => tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(dense(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D, 'relu')))([x, w, b]));
    const tfjs = await kernelsOf(() => tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.fused.matMul({ a: xs, b: ws, bias: bs, activation: 'relu' })))([x, w, b]));
    const compute = names.filter((n) => !['Identity', 'Sum', 'Fill', 'BroadcastTo', 'Tile', 'Reshape'].includes(n));
    expect(compute).toEqual([DENSE, DENSE_GRAD, 'BatchMatMul']);
    expect(names.length, `fused ${names.join(' ')} vs tfjs ${tfjs.join(' ')}`).toBeLessThan(tfjs.length - 6);
    tf.dispose([x, w, b]);
  });

  it("a net's first layer (x needs no gradient): dx is not computed", async () => {
    const [x, w, b] = layer();
    const names = await kernelsOf(() => tf.grads((ws: tf.Tensor, bs: tf.Tensor) => tf.sum(dense(x, ws as tf.Tensor2D, bs as tf.Tensor1D, 'tanh')))([w, b]));
    expect(names).toContain(DENSE_GRAD);
    expect(names).not.toContain('BatchMatMul');
    tf.dispose([x, w, b]);
  });
});

describe('canRunDense', () => {
  it('only for float32 matrices with a fused activation, on a backend with the kernel', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([4, 3]);
    expect(canRunDense(x, 'relu')).toBe(true);
    expect(canRunDense(x, 'elu')).toBe(false);
    expect(canRunDense(tf.zeros([2, 4, 3]), 'relu')).toBe(false);
    expect(canRunDense(tf.zeros([4, 3], 'int32'), 'linear')).toBe(false);
    expect(canRunDense(tf.zeros([0, 3]), 'linear')).toBe(false);
    await runOn('cpu', () => {
      expect(canRunDense(tf.zeros([4, 3]), 'relu'), 'no dense kernel on cpu').toBe(false);
      return tf.zeros([1]);
    });
  });
});

describe('dense leaks nothing (wasm)', () => {
  it.each(denseActivations)('%s: forward, all gradients, gradients without dx', (activation) =>
    expectNoLeak(
      'wasm',
      () => [tf.randomNormal([6, 5]), tf.randomNormal([5, 4]), tf.randomNormal([4])],
      ([x, w, b]) => {
        const f = (xs: tf.Tensor, ws: tf.Tensor, bs?: tf.Tensor) => dense(xs as tf.Tensor2D, ws as tf.Tensor2D, bs as tf.Tensor1D | undefined, activation);
        return [
          f(x!, w!, b!),
          tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(f(xs, ws, bs)))([x!, w!, b!]),
          tf.grads((ws: tf.Tensor) => tf.sum(f(x!, ws)))([w!]),
        ];
      },
    ),
  );
});
