import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, expectWasmMatchesCpu, Random, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

const rng = new Random(0x9a7e);

interface GatherCase {
  shape: number[];
  axis: number;
  indexShape: number[];
  dtype: 'float32' | 'int32';
}

const gatherCases: GatherCase[] = Array.from({ length: 24 }, (_, i) => {
  const shape = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 6));
  return { shape, axis: rng.int(0, shape.length - 1), indexShape: Array.from({ length: rng.int(1, 2) }, () => rng.int(1, 5)), dtype: i % 3 === 2 ? 'int32' : 'float32' };
});
// textcnn's embedding lookup, smaller: token ids into a [vocab, width] table.
gatherCases.push({ shape: [50, 30], axis: 0, indexShape: [8, 12], dtype: 'float32' });

const gatherInputs = (c: GatherCase) => {
  const r = new Random(sizeOf(c.shape) * 31 + c.axis);
  const x = c.dtype === 'float32' ? tf.tensor(r.floats(sizeOf(c.shape)), c.shape) : tf.tensor(r.ints(sizeOf(c.shape), -9, 9), c.shape, 'int32');
  return [x, tf.tensor(r.ints(sizeOf(c.indexShape), 0, c.shape[c.axis]! - 1), c.indexShape, 'int32')] as const;
};

describe('GatherV2 (wasm) matches cpu', () => {
  gatherCases.forEach((c, i) => {
    it(`#${i} ${c.dtype} x[${c.shape}] axis ${c.axis} indices[${c.indexShape}]`, async () => {
      const [result] = await expectWasmMatchesCpu(() => tf.gather(...gatherInputs(c), c.axis), { rtol: 0 });
      expect(result!.shape).toEqual([...c.shape.slice(0, c.axis), ...c.indexShape, ...c.shape.slice(c.axis + 1)]);
    });
  });

  it('leaks nothing, and refuses an index out of range as the cpu backend does', async () => {
    await expectNoLeak('wasm', () => [...gatherInputs(gatherCases.at(-1)!)], ([x, indices]) => tf.gather(x!, indices!));
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => tf.gather(tf.ones([4, 2]), tf.tensor1d([1, 4], 'int32')))).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(tf.memory().numTensors).toBe(before);
  });
});

interface EqualCase {
  a: number[];
  b: number[];
  dtype: 'float32' | 'int32';
}

const equalCases: EqualCase[] = Array.from({ length: 24 }, (_, i) => {
  const out = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 5));
  const squeeze = (shape: number[]) => shape.map((d) => (rng.bool() ? 1 : d)).slice(rng.int(0, shape.length - 1));
  return { a: i % 4 === 0 ? out : squeeze(out), b: squeeze(out), dtype: i % 3 === 2 ? 'int32' : 'float32' };
});
// max-pooling's gradient mask: x against its max over time.
equalCases.push({ a: [4, 9, 6], b: [4, 1, 6], dtype: 'float32' });

// Few distinct values, so many elements compare equal across the broadcast.
const equalInputs = (c: EqualCase) => [c.a, c.b].map((shape) => tf.tensor(new Random(sizeOf(shape)).ints(sizeOf(shape), 0, 2), shape, c.dtype));

describe('Equal with broadcasting (wasm) matches cpu', () => {
  equalCases.forEach((c, i) => {
    it(`#${i} ${c.dtype} [${c.a}] == [${c.b}]`, async () => {
      await expectWasmMatchesCpu(() => tf.equal(...(equalInputs(c) as [tf.Tensor, tf.Tensor])), { rtol: 0 });
    });
  });

  it('leaks nothing', async () => {
    await expectNoLeak('wasm', () => equalInputs(equalCases.at(-1)!), ([a, b]) => tf.equal(a!, b!));
  });

  it("gives textcnn's max-over-time gradient as on cpu", async () => {
    const x = new Random(7).ints(4 * 9 * 6, 0, 3);
    await expectWasmMatchesCpu(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.max(t, 1), tf.reshape(tf.range(0, 24), [4, 6]))))(tf.tensor(x, [4, 9, 6], 'float32')), { rtol: 0 });
  });
});
