/**
 * The wasm SIMD paths (simd/*.ts) on the shapes that reach them: more channels than the generic
 * kernel tests use (several channel tiles, overlapping last tiles), batch norm over more rows than
 * one float32 chunk, and tiled max-pool windows full of ties (ReLU zeros). Each against cpu, plus
 * leak checks on the same paths. Shared by the 1-thread run (simd-kernels.test.ts) and the
 * 2-thread one (simd-threads.test.ts), where the same cases are split into tasks across threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchNormTraining } from '../src/index.js';
import { simdKernels } from '../src/wasm/simd/module.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convCase, describeConv, randomConvCase, referenceBackpropFilter, type ConvCase } from './conv-cases.js';
import { expectClose, expectNoLeak, explicitPad, expectWasmMatchesCpu, Random, runOn, sizeOf, type Shape4 } from './support.js';

/** Registers every SIMD case; the backend must already be initialised with `threads` threads. */
export function describeSimdKernels(threads: number): void {

  describe('the SIMD module', () => {
    it(`instantiates on the wasm heap with a team of ${threads}`, async () => {
      await tf.setBackend('wasm');
      const simd = simdKernels(tf.backend() as unknown as BackendWasm);
      expect(simd?.team.size).toBe(threads);
      // One team per heap: asking again must not start more workers.
      expect(simdKernels(tf.backend() as unknown as BackendWasm)?.team).toBe(simd?.team);
    });
  });

  const rng = new Random(0x51d);
  const convs: ConvCase[] = [
    convCase([2, 8, 8, 10], [3, 3, 10, 20], [1, 1], 'same'),
    convCase([1, 5, 6, 3], [3, 3, 3, 6], [1, 1], 'same'),
    convCase([2, 4, 4, 9], [3, 3, 9, 13], [1, 1], 'same'),
    convCase([1, 7, 6, 5], [2, 3, 5, 4], [2, 1], 'valid'),
    // Odd batches: images (tasks) that do not split evenly between threads.
    convCase([7, 9, 11, 6], [3, 3, 6, 10], [1, 1], 'same'),
    convCase([5, 8, 8, 13], [3, 3, 13, 9], [2, 2], 'same'),
    // 1–3 output channels: narrow conv tiles (forward, and the input gradient of 1–3-channel
    // inputs) and the filter gradient's 4-lane tile with unused lanes.
    convCase([3, 6, 7, 5], [3, 3, 5, 1], [1, 1], 'same'),
    convCase([2, 5, 9, 8], [3, 3, 8, 2], [1, 1], 'valid'),
    convCase([3, 7, 5, 6], [2, 3, 6, 3], [1, 1], 'same'),
    convCase([3, 6, 6, 3], [3, 3, 3, 7], [1, 1], 'same'),
    convCase([2, 6, 6, 1], [3, 3, 1, 9], [1, 1], 'same'),
    convCase([2, 6, 6, 9], [3, 3, 9, 3], [1, 1], 'same'),
    convCase([3, 9, 8, 2], [3, 3, 2, 2], [2, 1], 'same'),
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

  // Forward convs at stride 1 / dilation 1 with ≥ 4 channels in and out and ≥ 1 MFLOP per image run
  // on the SIMD conv tile; the random ones mostly check the routing to XNNPACK.
  const forwardRng = new Random(0xf0c);
  const forwards: ConvCase[] = [
    convCase([2, 16, 16, 10], [3, 3, 10, 20], [1, 1], 'same'),
    convCase([3, 21, 3, 24], [3, 3, 24, 37], [1, 1], 'same'),
    convCase([5, 19, 17, 13], [2, 3, 13, 29], [1, 1], 'valid'),
    convCase([1, 64, 6, 16], [3, 1, 16, 32], [1, 1], 'same'),
    // Rows narrower than the 4-pixel tile.
    convCase([1, 200, 2, 16], [3, 1, 16, 32], [1, 1], 'same'),
    convCase([2, 40, 40, 8], [4, 4, 8, 8], [1, 1], explicitPad(2, 0, 3, 1)),
    // 1–3 output channels (≥ 4 in): the narrow tiles, any size, with rows of 1–4+ pixels.
    convCase([2, 9, 7, 6], [3, 3, 6, 3], [1, 1], 'same'),
    convCase([3, 5, 3, 4], [2, 2, 4, 2], [1, 1], 'valid'),
    convCase([1, 6, 1, 9], [3, 1, 9, 1], [1, 1], 'same'),
    convCase([2, 8, 10, 5], [3, 3, 5, 3], [1, 1], explicitPad(2, 0, 1, 2)),
    ...Array.from({ length: 16 }, () => randomConvCase(forwardRng, { maxChannels: 19 })),
  ];

  describe('Conv2D and FusedConv2D (SIMD conv tile) match cpu', () => {
    forwards.forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const r = new Random(1500 + i);
        const [x, w, b] = [r.floats(sizeOf(c.xShape)), r.floats(sizeOf(c.filterShape)), r.floats(c.filterShape[3])];
        const tolerance = { scale: Math.sqrt(c.filterShape[0] * c.filterShape[1] * c.filterShape[2]) };
        await expectWasmMatchesCpu(() => {
          const xt = tf.tensor4d(x, c.xShape);
          const wt = tf.tensor4d(w, c.filterShape);
          const plain = tf.conv2d(xt, wt, c.strides, c.pad as 'same', 'NHWC', c.dilations);
          const biased = tf.fused.conv2d({ x: xt, filter: wt, bias: tf.tensor1d(b), strides: c.strides, pad: c.pad as 'same', dilations: c.dilations });
          return [plain, biased];
        }, tolerance);
      });
    });
    it('leaks nothing', () =>
      expectNoLeak(
        'wasm',
        () => [tf.randomNormal([2, 24, 24, 8]), tf.randomNormal([3, 3, 8, 17]), tf.randomNormal([17])],
        ([x, w, b]) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: 1, pad: 'same' }),
      ));
    it('leaks nothing (narrow tile)', () =>
      expectNoLeak(
        'wasm',
        () => [tf.randomNormal([2, 9, 9, 6]), tf.randomNormal([3, 3, 6, 3]), tf.randomNormal([3])],
        ([x, w, b]) => [tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: 1, pad: 'same' }), tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')],
      ));
  });

  // Conv2DBackpropInput at dilation 1 with enough work per image runs its full convolution on the
  // SIMD conv tile (any stride: dy is spread first).
  const backInputs: ConvCase[] = [
    convCase([3, 24, 24, 20], [3, 3, 20, 10], [1, 1], 'same'),
    convCase([2, 17, 15, 12], [3, 3, 12, 24], [2, 2], 'same'),
    convCase([1, 60, 5, 9], [2, 4, 9, 33], [1, 1], 'valid'),
    // Inputs of 1–3 channels: the narrow tiles (mcnn w=3's second layer, 6 → 3).
    convCase([3, 12, 12, 3], [3, 3, 3, 6], [1, 1], 'same'),
    convCase([2, 11, 9, 2], [3, 3, 2, 5], [2, 2], 'same'),
    convCase([2, 7, 8, 1], [2, 3, 1, 8], [1, 1], 'valid'),
  ];

  describe('Conv2DBackpropInput (SIMD conv tile) matches cpu', () => {
    backInputs.forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const r = new Random(1700 + i);
        const [dy, w] = [r.floats(sizeOf(c.dyShape)), r.floats(sizeOf(c.filterShape))];
        await expectWasmMatchesCpu(
          () =>
            tf.engine().runKernel(
              'Conv2DBackpropInput',
              { dy: tf.tensor4d(dy, c.dyShape), filter: tf.tensor4d(w, c.filterShape) },
              { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations, inputShape: c.xShape },
            ) as tf.Tensor,
          { scale: Math.sqrt(c.filterShape[0] * c.filterShape[1] * c.filterShape[3]) },
        );
      });
    });
  });

  describe('batch norm over many rows and channels (chunked SIMD sums) matches the cpu kernel', () => {
    const shapes: number[][] = [
      [4, 16, 16, 10],
      [3, 17, 13, 7],
      [1030, 4],
      [5, 9, 9, 33],
      [2, 3, 3, 1],
      // Many chunks (tasks), an odd number of them, and a tail of rows after the last block.
      [3, 33, 35, 7],
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
    { shape: [7, 10, 12, 9], size: 2, pad: 'valid' },
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

  describe('Sum over all axes but the last, or the second-to-last only (SIMD), and other sums (shipped) match cpu', () => {
    const sums: [number[], number[] | number | undefined, boolean][] = [
      [[10, 128, 64], 1, false],
      [[3, 2, 7, 5], 2, true],
      [[4, 1, 3], -2, false],
      [[4, 16, 16, 10], [0, 1, 2], false],
      [[3, 7, 5, 6], [2, 0, 1], true],
      [[1030, 3], 0, false],
      [[2, 5, 9], [0, 1], true],
      [[7], 0, false],
      [[3, 4, 5], [1, 2], false],
      [[3, 4, 5], undefined, false],
      [[2, 3, 4, 5], [0, 1, 2, 3], true],
      [[3, 33, 35, 7], [0, 1, 2], false],
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
    it("gives each matrix of [S, b, n] summed over b exactly the sums of that [b, n] matrix alone (an ensemble member's bias gradient equals its solo run's)", async () => {
      const x = tf.tensor(new Random(1300).floats(5 * 37 * 11), [5, 37, 11]);
      const together = await tf.sum(x, 1).data();
      for (let m = 0; m < 5; m++) {
        const alone = await tf.sum(tf.reshape(tf.slice(x, m, 1), [37, 11]), 0).data();
        expect(Array.from(together.slice(m * 11, (m + 1) * 11))).toEqual(Array.from(alone));
      }
    });
    it('leaks nothing', () =>
      expectNoLeak(
        'wasm',
        () => [tf.randomNormal([3, 5, 5, 9])],
        ([x]) => tf.sum(x!, [0, 1, 2]),
      ));
  });
}
