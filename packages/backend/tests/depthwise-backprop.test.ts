import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  convCase,
  describeConv,
  randomConvCase,
  referenceBackpropFilter,
  referenceBackpropInput,
  type ConvCase,
} from './conv-cases.js';
import { explicitPad, expectClose, expectWasmMatchesCpu, Random, runOn, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

const rng = new Random(0xdeb7);
const cases: ConvCase[] = [
  convCase([1, 6, 6, 2], [3, 3, 2, 1], [2, 2], 'valid', [1, 1], true),
  convCase([2, 5, 7, 3], [2, 2, 3, 2], [2, 2], 'same', [1, 1], true),
  convCase([1, 4, 5, 3], [5, 5, 3, 1], [1, 2], 'same', [1, 1], true),
  convCase([3, 5, 5, 2], [2, 3, 2, 2], [1, 1], explicitPad(1, 2, 2, 0), [1, 1], true),
  ...Array.from({ length: 24 }, () => randomConvCase(rng, { depthwise: true })),
];
/**
 * tfjs-cpu's depthwise backprop kernels take `dilations` for the geometry but their loops ignore it,
 * so dilated cases are checked against the brute-force definition instead.
 */
const dilated: ConvCase[] = [
  convCase([1, 7, 7, 1], [3, 3, 1, 2], [1, 1], 'valid', [2, 2], true),
  convCase([2, 5, 6, 2], [3, 2, 2, 2], [1, 1], 'same', [2, 2], true),
  convCase([2, 2, 7, 2], [2, 4, 2, 1], [1, 1], explicitPad(2, 0, 0, 2), [2, 2], true),
  ...Array.from({ length: 10 }, () => randomConvCase(rng, { depthwise: true, dilation: 2 })),
];

interface Data {
  x: Float32Array;
  filter: Float32Array;
  dy: Float32Array;
}

const dataFor = (c: ConvCase, seed: number): Data => {
  const r = new Random(seed);
  return { x: r.floats(sizeOf(c.xShape)), filter: r.floats(sizeOf(c.filterShape)), dy: r.floats(sizeOf(c.dyShape)) };
};

const attrs = (c: ConvCase) => ({ strides: c.strides, dilations: c.dilations, pad: c.pad });
const filterScale = (c: ConvCase): number => Math.sqrt(c.dyShape[0] * c.dyShape[1] * c.dyShape[2]);
const inputScale = (c: ConvCase): number => Math.sqrt(c.filterShape[0] * c.filterShape[1] * c.filterShape[3]);

const backpropFilter = (c: ConvCase, d: Data) => (): tf.Tensor =>
  tf
    .engine()
    .runKernel(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: tf.tensor4d(d.x, c.xShape), dy: tf.tensor4d(d.dy, c.dyShape) },
      { ...attrs(c), filterShape: c.filterShape },
    ) as tf.Tensor;

const backpropInput = (c: ConvCase, d: Data) => (): tf.Tensor =>
  tf
    .engine()
    .runKernel(
      'DepthwiseConv2dNativeBackpropInput',
      { dy: tf.tensor4d(d.dy, c.dyShape), filter: tf.tensor4d(d.filter, c.filterShape) },
      { ...attrs(c), inputShape: c.xShape },
    ) as tf.Tensor;

describe('DepthwiseConv2dNativeBackpropFilter (wasm) matches cpu', () => {
  cases.forEach((c, i) => {
    it(`#${i} ${describeConv(c)}`, async () => {
      const d = dataFor(c, i);
      const [dW] = await expectWasmMatchesCpu(backpropFilter(c, d), { scale: filterScale(c) });
      expect(dW?.shape).toEqual(c.filterShape);
      // cpu and wasm could share a mistake about the geometry; pin both to the definition.
      expectClose(dW?.values ?? [], referenceBackpropFilter(c, d.x, d.dy), { scale: filterScale(c) }, 'vs reference');
    });
  });
});

describe('DepthwiseConv2dNativeBackpropInput (wasm) matches cpu', () => {
  cases.forEach((c, i) => {
    it(`#${i} ${describeConv(c)}`, async () => {
      const d = dataFor(c, 100 + i);
      const [dX] = await expectWasmMatchesCpu(backpropInput(c, d), { scale: inputScale(c) });
      expect(dX?.shape).toEqual(c.xShape);
      expectClose(
        dX?.values ?? [],
        referenceBackpropInput(c, d.dy, d.filter),
        { scale: inputScale(c) },
        'vs reference',
      );
    });
  });
});

describe('tf.grads of depthwiseConv2d (wasm) matches cpu', () => {
  cases.slice(0, 10).forEach((c, i) => {
    it(`#${i} ${describeConv(c)}`, async () => {
      const d = dataFor(c, 200 + i);
      await expectWasmMatchesCpu(
        () => {
          const upstream = tf.tensor4d(d.dy, c.dyShape);
          const f = (x: tf.Tensor, w: tf.Tensor): tf.Tensor =>
            tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad), upstream));
          return tf.grads(f)([tf.tensor4d(d.x, c.xShape), tf.tensor4d(d.filter, c.filterShape)]);
        },
        { scale: filterScale(c) },
      );
    });
  });
});

describe('dilated depthwise backprop (wasm) matches a brute-force reference', () => {
  dilated.forEach((c, i) => {
    it(`filter #${i} ${describeConv(c)}`, async () => {
      const d = dataFor(c, 300 + i);
      const [dW] = await runOn('wasm', backpropFilter(c, d));
      expect(dW?.shape).toEqual(c.filterShape);
      expectClose(dW?.values ?? [], referenceBackpropFilter(c, d.x, d.dy), { scale: filterScale(c) });
    });
    it(`input #${i} ${describeConv(c)}`, async () => {
      const d = dataFor(c, 400 + i);
      const [dX] = await runOn('wasm', backpropInput(c, d));
      expect(dX?.shape).toEqual(c.xShape);
      expectClose(dX?.values ?? [], referenceBackpropInput(c, d.dy, d.filter), { scale: inputScale(c) });
    });
  });
});
