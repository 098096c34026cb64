/**
 * The wasm SIMD paths (simd/*.ts) on the shapes that reach them: more channels than the generic
 * kernel tests use (several channel tiles, overlapping last tiles), batch norm over more rows than
 * one float32 chunk, and tiled max-pool windows full of ties (ReLU zeros). Each against cpu, plus
 * leak checks on the same paths.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../src/index.js';
import { simdKernels } from '../src/wasm/simd/module.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convCase, describeConv, randomConvCase, referenceBackpropFilter, type ConvCase } from './conv-cases.js';
import { expectClose, expectNoLeak, expectWasmMatchesCpu, Random, runOn, setupBackends, sizeOf, type Shape4 } from './support.js';

beforeAll(setupBackends);

describe('the SIMD module', () => {
  it('instantiates on the wasm heap', async () => {
    await tf.setBackend('wasm');
    expect(simdKernels(tf.backend() as unknown as BackendWasm)).toBeDefined();
  });
});

const rng = new Random(0x51d);
const convs: ConvCase[] = [
  convCase([2, 8, 8, 10], [3, 3, 10, 20], [1, 1], 'same'),
  convCase([1, 5, 6, 3], [3, 3, 3, 6], [1, 1], 'same'),
  convCase([2, 4, 4, 9], [3, 3, 9, 13], [1, 1], 'same'),
  convCase([1, 7, 6, 5], [2, 3, 5, 4], [2, 1], 'valid'),
  ...Array.from({ length: 24 }, () => randomConvCase(rng, { maxChannels: 19 })),
];
// tfjs's cpu kernel ignores dilations here: these are checked against the brute-force reference.
const dilated: ConvCase[] = Array.from({ length: 8 }, () => randomConvCase(rng, { maxChannels: 12, dilation: 2 }));

const convData = (c: ConvCase, seed: number): [Float32Array, Float32Array] => {
  const r = new Random(seed);
  return [r.floats(sizeOf(c.xShape)), r.floats(sizeOf(c.dyShape))];
};

const backpropFilter = (c: ConvCase, seed: number) => (): tf.Tensor => {
  const [x, dy] = convData(c, seed);
  return tf.engine().runKernel(
    'Conv2DBackpropFilter',
    { x: tf.tensor4d(x, c.xShape), dy: tf.tensor4d(dy, c.dyShape) },
    { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations, filterShape: c.filterShape },
  ) as tf.Tensor;
};

describe('Conv2DBackpropFilter, wide channels (SIMD tiles), matches cpu', () => {
  convs.forEach((c, i) => {
    it(`#${i} ${describeConv(c)}`, async () => {
      const [dW] = await expectWasmMatchesCpu(backpropFilter(c, 50 + i), { scale: Math.sqrt(sizeOf(c.dyShape.slice(0, 3))) });
      expect(dW?.shape).toEqual(c.filterShape);
    });
  });
  dilated.forEach((c, i) => {
    it(`dilated #${i} ${describeConv(c)}`, async () => {
      const [dW] = await runOn('wasm', backpropFilter(c, 80 + i));
      expectClose(dW?.values ?? [], referenceBackpropFilter(c, ...convData(c, 80 + i)), { scale: Math.sqrt(sizeOf(c.dyShape.slice(0, 3))) });
    });
  });
  it('leaks nothing', () =>
    expectNoLeak(
      'wasm',
      () => [],
      () => backpropFilter(convs[0]!, 1)(),
    ));
});

describe('batch norm over many rows and channels (chunked SIMD sums) matches the cpu kernel', () => {
  const shapes: number[][] = [
    [4, 16, 16, 10],
    [3, 17, 13, 7],
    [1030, 4],
    [5, 9, 9, 33],
    [2, 3, 3, 1],
  ];
  shapes.forEach((shape, i) => {
    it(`x[${shape}]`, async () => {
      const r = new Random(700 + i);
      const channels = shape[shape.length - 1]!;
      // A large common offset: the sums are shifted, so the variance must survive it.
      const x = r.floats(sizeOf(shape)).map((v) => 5 + 2 * v);
      const gamma = r.floats(channels, 0.5, 2);
      const beta = r.floats(channels);
      const upstream = r.floats(sizeOf(shape));
      await expectWasmMatchesCpu(
        () =>
          tf.grads((xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            const { y, mean, variance } = batchNormTraining(xt, g as tf.Tensor1D, b as tf.Tensor1D);
            return tf.sum(tf.mul(tf.add(y, tf.mul(tf.add(mean, variance), 0.25)), tf.tensor(upstream, shape)));
          })([tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)]),
        { scale: Math.sqrt(sizeOf(shape) / channels) },
      );
    });
  });
  it('leaks nothing', () =>
    expectNoLeak(
      'wasm',
      () => [tf.randomNormal([3, 5, 5, 9]), tf.ones([9]), tf.zeros([9])],
      ([x, g, b]) =>
        tf.grads((xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor) => {
          const { y, mean, variance } = batchNormTraining(xt, gt as tf.Tensor1D, bt as tf.Tensor1D);
          tf.dispose([mean, variance]);
          return tf.sum(tf.square(y));
        })([x!, g!, b!]),
    ));
});

interface PoolCase {
  shape: Shape4;
  size: number;
  pad: 'same' | 'valid';
}

const pools: PoolCase[] = [
  { shape: [2, 8, 8, 20], size: 2, pad: 'valid' },
  { shape: [3, 7, 9, 6], size: 2, pad: 'valid' },
  { shape: [2, 8, 8, 5], size: 4, pad: 'same' },
  { shape: [1, 6, 6, 4], size: 3, pad: 'valid' },
  ...Array.from({ length: 12 }, (): PoolCase => {
    const size = rng.int(2, 3);
    return { shape: [rng.int(1, 3), size * rng.int(1, 4) + rng.int(0, size - 1), size * rng.int(1, 4), rng.int(4, 13)], size, pad: 'valid' };
  }),
];

describe('MaxPoolGrad, tiled windows with ties (SIMD), matches cpu', () => {
  pools.forEach((c, i) => {
    it(`#${i} x[${c.shape}] pool ${c.size} ${c.pad}`, async () => {
      const r = new Random(900 + i);
      // ReLU-like data: about half the inputs are exactly 0, so many windows tie.
      const x = r.floats(sizeOf(c.shape)).map((v) => Math.max(0, v));
      const outShape = tf.backend_util.computePool2DInfo(c.shape, c.size, c.size, 1, c.pad).outShape;
      const upstreamValues = r.floats(sizeOf(outShape));
      await expectWasmMatchesCpu(() => {
        const input = tf.tensor4d(x, c.shape);
        const upstream = tf.tensor(upstreamValues, outShape);
        return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.size, c.pad), upstream)))(input);
      });
    });
  });
  it('leaks nothing', () =>
    expectNoLeak(
      'wasm',
      () => [tf.relu(tf.randomNormal([2, 8, 8, 6]))],
      ([x]) => tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x!),
    ));
});

describe('Sum over all axes but the last (SIMD) and other sums (shipped) match cpu', () => {
  const sums: [number[], number[] | number | undefined, boolean][] = [
    [[4, 16, 16, 10], [0, 1, 2], false],
    [[3, 7, 5, 6], [2, 0, 1], true],
    [[1030, 3], 0, false],
    [[2, 5, 9], [0, 1], true],
    [[7], 0, false],
    [[3, 4, 5], [1, 2], false],
    [[3, 4, 5], undefined, false],
    [[2, 3, 4, 5], [0, 1, 2, 3], true],
  ];
  sums.forEach(([shape, axis, keepDims], i) => {
    it(`x[${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`, async () => {
      const x = new Random(1200 + i).floats(sizeOf(shape)).map((v) => 3 + v);
      const [s] = await expectWasmMatchesCpu(() => tf.sum(tf.tensor(x, shape), axis, keepDims), { scale: Math.sqrt(sizeOf(shape)) });
      expect(s?.shape).toEqual(tf.sum(tf.zeros(shape), axis, keepDims).shape);
    });
  });
  it('int32 goes to the shipped kernel', async () => {
    await expectWasmMatchesCpu(() => tf.sum(tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), 0));
  });
  it('leaks nothing', () =>
    expectNoLeak(
      'wasm',
      () => [tf.randomNormal([3, 5, 5, 9])],
      ([x]) => tf.sum(x!, [0, 1, 2]),
    ));
});
