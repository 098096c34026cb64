import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, Random, setupBackends, sizeOf, type Shape4 } from './support.js';

beforeAll(setupBackends);

interface PoolCase {
  xShape: Shape4;
  filter: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

const rng = new Random(0x9001);
const cases: PoolCase[] = [
  { xShape: [1, 5, 5, 1], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { xShape: [1, 5, 5, 1], filter: [2, 2], strides: [2, 2], pad: 'same' },
  { xShape: [2, 6, 7, 3], filter: [3, 3], strides: [2, 2], pad: 'same' },
  { xShape: [1, 3, 3, 2], filter: [3, 3], strides: [1, 1], pad: 'same' },
  { xShape: [3, 4, 4, 4], filter: [2, 3], strides: [1, 2], pad: 'valid' },
  ...Array.from({ length: 27 }, (): PoolCase => {
    const filter: [number, number] = rng.bool() ? [2, 2] : rng.bool() ? [3, 3] : [rng.int(2, 3), rng.int(2, 3)];
    const pad = rng.pick(['same', 'valid'] as const);
    const min = pad === 'valid' ? 3 : 1;
    return {
      xShape: [rng.int(1, 3), min + rng.int(0, 6), min + rng.int(0, 6), rng.int(1, 5)],
      filter,
      strides: rng.pick<[number, number]>([
        [1, 1],
        [2, 2],
        [2, 2],
        [1, 2],
      ]),
      pad,
    };
  }),
];

describe('MaxPoolGrad (wasm), through tf.grad of maxPool, matches cpu', () => {
  cases.forEach((c, i) => {
    it(`#${i} x[${c.xShape}] pool[${c.filter}] s[${c.strides}] ${c.pad}`, async () => {
      const r = new Random(i);
      // A permutation: no ties, so "which maximum gets the gradient" is never in question.
      const x = r.permutation(sizeOf(c.xShape));
      const outShape = tf.backend_util.computePool2DInfo(c.xShape, c.filter, c.strides, 1, c.pad).outShape;
      const upstream = r.floats(sizeOf(outShape));
      const [plain, weighted] = await expectWasmMatchesCpu(() => {
        const pool = (t: tf.Tensor): tf.Tensor4D => tf.maxPool(t as tf.Tensor4D, c.filter, c.strides, c.pad);
        const input = tf.tensor4d(x, c.xShape);
        return [
          tf.grad((t: tf.Tensor) => tf.sum(pool(t)))(input),
          tf.grad((t: tf.Tensor) => tf.sum(tf.mul(pool(t), tf.tensor(upstream, outShape))))(input),
        ];
      });
      expect(plain?.shape).toEqual(c.xShape);
      // Every window routes its whole gradient to one input.
      const total = Array.from(plain?.values ?? []).reduce((a, b) => a + b, 0);
      expect(total).toBe(sizeOf(outShape));
      expect(weighted?.shape).toEqual(c.xShape);
    });
  });
});
