/**
 * The Conv2DBackpropFilter/Input cases run by conv2d-backprop.test.ts (mgdl's wasm kernels) and
 * conv-native.test.ts (oneDNN): against cpu, and dilated ones against a brute-force reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  convCase,
  describeConv,
  edgeConvCases,
  randomConvCase,
  referenceBackpropFilter,
  referenceBackpropInput,
  type ConvCase,
} from './conv-cases.js';
import { explicitPad, expectClose, expectWasmMatchesCpu, Random, runOn, sizeOf } from './support.js';

const rng = new Random(0xc0ffee);
const cases: ConvCase[] = [...edgeConvCases, ...Array.from({ length: 30 }, () => randomConvCase(rng))];
const dilated: ConvCase[] = [
  // Padding beyond the dilated filter's span: the smallest case of that kind.
  convCase([1, 1, 1, 1], [2, 1, 1, 1], [1, 1], explicitPad(3, 0, 0, 0), [2, 2]),
  convCase([1, 7, 7, 2], [3, 3, 2, 2], [1, 1], 'valid', [2, 2]),
  convCase([2, 6, 5, 1], [2, 3, 1, 3], [1, 1], 'same', [2, 2]),
  convCase([1, 6, 8, 3], [3, 2, 3, 2], [1, 1], explicitPad(1, 0, 2, 1), [2, 2]),
  convCase([1, 6, 6, 2], [3, 3, 2, 1], [1, 1], 'same', [2, 1]),
  ...Array.from({ length: 10 }, () => randomConvCase(rng, { dilation: 2 })),
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

const attrs = (c: ConvCase, withDilations: boolean) => ({
  strides: c.strides,
  pad: c.pad,
  dataFormat: 'NHWC',
  ...(withDilations ? { dilations: c.dilations } : {}),
});

const backpropFilter =
  (c: ConvCase, d: Data, withDilations = false) =>
  (): tf.Tensor =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(d.x, c.xShape), dy: tf.tensor4d(d.dy, c.dyShape) },
        { ...attrs(c, withDilations), filterShape: c.filterShape },
      ) as tf.Tensor;

const backpropInput =
  (c: ConvCase, d: Data, withDilations = false) =>
  (): tf.Tensor =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor4d(d.dy, c.dyShape), filter: tf.tensor4d(d.filter, c.filterShape) },
        { ...attrs(c, withDilations), inputShape: c.xShape },
      ) as tf.Tensor;

/** Float32 reductions: the error grows like √(number of terms). */
const filterScale = (c: ConvCase): number => Math.sqrt(c.dyShape[0] * c.dyShape[1] * c.dyShape[2]);
const inputScale = (c: ConvCase): number => Math.sqrt(c.filterShape[0] * c.filterShape[1] * c.filterShape[3]);

export interface ConvBackpropSuiteOptions {
  /** Called after each wasm run: checks which path (oneDNN or the wasm kernels) ran it. */
  expectPath: () => void;
}

/** Conv2DBackpropFilter/Input on wasm against cpu and a brute-force reference (wasm kernels or oneDNN's). */
export function defineConvBackpropSuite({ expectPath }: ConvBackpropSuiteOptions): void {
  describe('Conv2DBackpropFilter (wasm) matches cpu', () => {
    cases.forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const [dW] = await expectWasmMatchesCpu(backpropFilter(c, dataFor(c, i)), { scale: filterScale(c) });
        expect(dW?.shape).toEqual(c.filterShape);
        expectPath();
      });
    });
  });

  describe('Conv2DBackpropInput (wasm) matches cpu', () => {
    cases.forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const [dX] = await expectWasmMatchesCpu(backpropInput(c, dataFor(c, i)), { scale: inputScale(c) });
        expect(dX?.shape).toEqual(c.xShape);
        expectPath();
      });
    });
  });

  describe('dilated conv backprop (wasm) matches a brute-force reference', () => {
    dilated.forEach((c, i) => {
      it(`filter #${i} ${describeConv(c)}`, async () => {
        const d = dataFor(c, 1000 + i);
        const [dW] = await runOn('wasm', backpropFilter(c, d, true));
        expect(dW?.shape).toEqual(c.filterShape);
        expectClose(dW?.values ?? [], referenceBackpropFilter(c, d.x, d.dy), { scale: filterScale(c) });
        expectPath();
      });
      it(`input #${i} ${describeConv(c)}`, async () => {
        const d = dataFor(c, 2000 + i);
        const [dX] = await runOn('wasm', backpropInput(c, d, true));
        expect(dX?.shape).toEqual(c.xShape);
        expectClose(dX?.values ?? [], referenceBackpropInput(c, d.dy, d.filter), { scale: inputScale(c) });
        expectPath();
      });
    });
  });

  describe('the brute-force reference itself agrees with cpu (dilation 1)', () => {
    edgeConvCases.slice(0, 4).forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const d = dataFor(c, 3000 + i);
        const [dW] = await runOn('cpu', backpropFilter(c, d));
        expectClose(dW?.values ?? [], referenceBackpropFilter(c, d.x, d.dy), { scale: filterScale(c) });
        const [dX] = await runOn('cpu', backpropInput(c, d));
        expectClose(dX?.values ?? [], referenceBackpropInput(c, d.dy, d.filter), { scale: inputScale(c) });
      });
    });
  });

  describe('tf.grads of conv2d (wasm) matches cpu', () => {
    cases.slice(0, 16).forEach((c, i) => {
      it(`#${i} ${describeConv(c)}`, async () => {
        const d = dataFor(c, 4000 + i);
        await expectWasmMatchesCpu(
          () => {
            const upstream = tf.tensor4d(d.dy, c.dyShape);
            const f = (x: tf.Tensor, w: tf.Tensor): tf.Tensor =>
              tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad), upstream));
            return tf.grads(f)([tf.tensor4d(d.x, c.xShape), tf.tensor4d(d.filter, c.filterShape)]);
          },
          { scale: filterScale(c) },
        );
        expectPath();
      });
    });
  });
}
