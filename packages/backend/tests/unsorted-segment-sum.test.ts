import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectWasmMatchesCpu, Random, runOn, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

interface SegmentCase {
  dtype: 'float32' | 'int32';
  idsShape: number[];
  rowShape: number[];
  numSegments: number;
  ids: Int32Array;
  x: Float32Array | Int32Array;
}

const rng = new Random(0x5e6);
const cases: SegmentCase[] = Array.from({ length: 32 }, (_, i) => {
  const dtype = i % 2 === 0 ? 'float32' : 'int32';
  const idsShape = rng.bool() ? [rng.int(1, 12)] : [rng.int(1, 4), rng.int(1, 4)];
  const rowShape = Array.from({ length: rng.int(0, 2) }, () => rng.int(1, 4));
  const numSegments = rng.int(1, 6);
  const n = sizeOf(idsShape) * sizeOf(rowShape);
  return {
    dtype,
    idsShape,
    rowShape,
    numSegments,
    // Out-of-range ids (negative or ≥ numSegments) must be dropped.
    ids: rng.ints(sizeOf(idsShape), -2, numSegments + 1),
    x: dtype === 'float32' ? rng.floats(n) : rng.ints(n, -50, 50),
  };
});

const describeCase = (c: SegmentCase): string =>
  `${c.dtype} ids[${c.idsShape}] rows[${c.rowShape}] numSegments ${c.numSegments} ids ${Array.from(c.ids)}`;

/** out[s, ...] = Σ_{i: ids[i] = s} x[i, ...], with ids flattened. */
function reference(c: SegmentCase): Float64Array {
  const rowSize = sizeOf(c.rowShape);
  const out = new Float64Array(c.numSegments * rowSize);
  c.ids.forEach((s, i) => {
    if (s < 0 || s >= c.numSegments) return;
    for (let k = 0; k < rowSize; k++)
      out[s * rowSize + k] = (out[s * rowSize + k] as number) + (c.x[i * rowSize + k] as number);
  });
  return out;
}

describe('UnsortedSegmentSum (wasm) matches cpu', () => {
  cases.forEach((c, i) => {
    it(`#${i} ${describeCase(c)}`, async () => {
      const build = (flat: boolean) => (): tf.Tensor => {
        // tfjs-cpu sums only the first axis, so it is given 1-D ids (the same sum, by definition).
        const idsShape = flat ? [sizeOf(c.idsShape)] : c.idsShape;
        const x = tf.tensor(c.x, [...idsShape, ...c.rowShape], c.dtype);
        // The op is typed for 1-D ids; TF (and the kernel) take ids of any rank ≤ x's.
        const ids: tf.Tensor = tf.tensor(c.ids, idsShape, 'int32');
        return tf.unsortedSegmentSum(x, ids as tf.Tensor1D, c.numSegments);
      };
      const [out] = await expectWasmMatchesCpu(build(false), { scale: 4 }, build(true));
      expect(out?.shape).toEqual([c.numSegments, ...c.rowShape]);
      expect(out?.dtype).toBe(c.dtype);
      expectClose(out?.values ?? [], reference(c), { scale: 4 }, 'vs reference');
    });
  });
});

it('int32 sums are exact beyond float32 precision', async () => {
  const big = 2 ** 24 + 1;
  const [out] = await runOn('wasm', () =>
    tf.unsortedSegmentSum(tf.tensor1d([big, 2, 7], 'int32'), tf.tensor1d([0, 0, 1], 'int32'), 2),
  );
  expect(out?.dtype).toBe('int32');
  expect(Array.from(out?.values ?? [])).toEqual([big + 2, 7]);
});

describe('the gather gradient (wasm), which runs on UnsortedSegmentSum, matches cpu', () => {
  Array.from({ length: 6 }, (_, i) => i).forEach((i) => {
    const r = new Random(900 + i);
    const shape = [r.int(2, 6), r.int(1, 4)];
    const indices = r.ints(r.int(1, 8), 0, (shape[0] as number) - 1);
    it(`#${i} params[${shape}] indices ${Array.from(indices)}`, async () => {
      const params = r.floats(sizeOf(shape));
      const upstream = r.floats(indices.length * (shape[1] as number));
      await expectWasmMatchesCpu(() =>
        tf.grad((p: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.gather(p, tf.tensor1d(indices, 'int32')),
              tf.tensor2d(upstream, [indices.length, shape[1] as number]),
            ),
          ),
        )(tf.tensor2d(params, shape as [number, number])),
      );
    });
  });
});
