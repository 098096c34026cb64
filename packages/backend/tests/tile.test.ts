import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectWasmMatchesCpu, Random, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

type TileDtype = 'float32' | 'int32' | 'bool';

interface TileCase {
  dtype: TileDtype;
  shape: number[];
  reps: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

const rng = new Random(0x711e);
const dtypes: TileDtype[] = ['float32', 'int32', 'bool'];

function valuesFor(r: Random, dtype: TileDtype, n: number): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return r.floats(n);
  if (dtype === 'int32') return r.ints(n, -1000, 1000);
  return Uint8Array.from(r.ints(n, 0, 1));
}

const cases: TileCase[] = Array.from({ length: 36 }, (_, i) => {
  const rank = (i % 5) + 1;
  const dtype = dtypes[i % 3] as TileDtype;
  const maxDim = rank >= 4 ? 3 : 4;
  const shape = Array.from({ length: rank }, () => rng.int(1, maxDim));
  const reps = Array.from({ length: rank }, () => rng.pick([1, 1, 2, 3]));
  return { dtype, shape, reps, values: valuesFor(rng, dtype, sizeOf(shape)) };
});
cases.push(
  { dtype: 'float32', shape: [3], reps: [1], values: Float32Array.of(1, 2, 3) },
  { dtype: 'int32', shape: [1, 1, 1, 1, 1], reps: [2, 1, 3, 1, 2], values: Int32Array.of(-7) },
  { dtype: 'bool', shape: [2, 3], reps: [3, 2], values: Uint8Array.of(1, 0, 0, 1, 1, 0) },
);

/** out[i0..ik] = x[i0 mod d0, ..., ik mod dk]. */
function reference(c: TileCase): Float64Array {
  const outShape = c.shape.map((d, i) => d * (c.reps[i] as number));
  const out = new Float64Array(sizeOf(outShape));
  for (let flat = 0; flat < out.length; flat++) {
    let rest = flat;
    let src = 0;
    let stride = 1;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const index = rest % (outShape[d] as number);
      rest = Math.floor(rest / (outShape[d] as number));
      src += (index % (c.shape[d] as number)) * stride;
      stride *= c.shape[d] as number;
    }
    out[flat] = c.values[src] as number;
  }
  return out;
}

describe('Tile (wasm) matches cpu', () => {
  cases.forEach((c, i) => {
    it(`#${i} ${c.dtype} [${c.shape}] reps [${c.reps}]`, async () => {
      const [out] = await expectWasmMatchesCpu(() => tf.tile(tf.tensor(c.values, c.shape, c.dtype), c.reps), {
        rtol: 0,
      });
      expect(out?.dtype).toBe(c.dtype);
      expect(out?.shape).toEqual(c.shape.map((d, k) => d * (c.reps[k] as number)));
      expectClose(out?.values ?? [], reference(c), { rtol: 0 }, 'vs reference');
    });
  });
});

it.each([
  [[3], [0]],
  [
    [2, 3],
    [0, 2],
  ],
  [
    [2, 3],
    [2, 0],
  ],
])('reps of 0 give an empty tensor, as on cpu: [%s] reps [%s]', async (shape, reps) => {
  const values = new Random(7).floats(sizeOf(shape));
  const [out] = await expectWasmMatchesCpu(() => tf.tile(tf.tensor(values, shape), reps), { rtol: 0 });
  expect(out?.shape).toEqual(shape.map((d, k) => d * (reps[k] as number)));
});

describe('broadcastTo (wasm), which runs on Tile, matches cpu', () => {
  Array.from({ length: 8 }, (_, i) => i).forEach((i) => {
    const r = new Random(500 + i);
    const target = Array.from({ length: r.int(1, 4) }, () => r.int(1, 4));
    // Drop leading axes and set some of the rest to 1.
    const from = target.slice(r.int(0, target.length - 1)).map((d) => (r.bool() ? 1 : d));
    it(`#${i} [${from}] -> [${target}]`, async () => {
      const values = r.floats(sizeOf(from));
      const [out] = await expectWasmMatchesCpu(() => tf.broadcastTo(tf.tensor(values, from), target), { rtol: 0 });
      expect(out?.shape).toEqual(target);
    });
  });
});
