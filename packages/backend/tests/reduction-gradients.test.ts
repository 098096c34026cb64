import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFastGradients } from '../src/index.js';
import { expectClose, Random, runOn, setupBackends, sizeOf, type BackendKind } from './support.js';

beforeAll(async () => {
  const report = await setupBackends();
  expect(report.gradients).toEqual(['Sum', 'Mean']);
  expect(registerFastGradients()).toEqual(['Sum', 'Mean']);
});

interface ReductionCase {
  op: 'sum' | 'mean';
  shape: number[];
  /** undefined: every axis. Axes may be negative. */
  axis: number | number[] | undefined;
  keepDims: boolean;
}

const rng = new Random(0x5a3);
const cases: ReductionCase[] = Array.from({ length: 32 }, (_, i) => {
  const shape = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 4));
  const rank = shape.length;
  const kind = rng.int(0, 2);
  let axis: ReductionCase['axis'];
  if (kind === 1) {
    axis = rng.int(-rank, rank - 1);
  } else if (kind === 2) {
    axis = [...Array(rank).keys()].filter(() => rng.bool()).map((a) => (rng.bool() ? a - rank : a));
    if (axis.length === 0) axis = [rank - 1];
  }
  return { op: i % 2 === 0 ? 'sum' : 'mean', shape, axis, keepDims: rng.bool() };
});

/** dx[i] = dy[i with the reduced axes dropped (or set to 0 with keepDims)], divided by n for mean. */
function expected(c: ReductionCase, dy: Float32Array): Float32Array {
  const rank = c.shape.length;
  const axes = c.axis === undefined ? [...Array(rank).keys()] : [c.axis].flat().map((a) => (a + rank) % rank);
  const n = sizeOf(axes.map((a) => c.shape[a] as number));
  const out = new Float32Array(sizeOf(c.shape));
  for (let flat = 0; flat < out.length; flat++) {
    let rest = flat;
    let dyIndex = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const size = c.shape[d] as number;
      const index = rest % size;
      rest = Math.floor(rest / size);
      if (axes.includes(d)) continue;
      dyIndex += index * stride;
      stride *= size;
    }
    out[flat] = c.op === 'mean' ? Math.fround((dy[dyIndex] as number) / n) : (dy[dyIndex] as number);
  }
  return out;
}

describe.each<BackendKind>(['cpu', 'wasm'])('Sum and Mean gradients (mgdl replacements) on %s', (backend) => {
  cases.forEach((c, i) => {
    it(`#${i} ${c.op} [${c.shape}] axis ${JSON.stringify(c.axis)} keepDims ${c.keepDims}`, async () => {
      const r = new Random(i);
      const x = r.floats(sizeOf(c.shape));
      const outShape = await runOn('cpu', () => tf[c.op](tf.tensor(x, c.shape), c.axis, c.keepDims));
      const dyShape = outShape[0]?.shape ?? [];
      const dy = r.floats(sizeOf(dyShape));
      const [dx] = await runOn(backend, () =>
        tf.grad((t: tf.Tensor) => tf[c.op](t, c.axis, c.keepDims))(tf.tensor(x, c.shape), tf.tensor(dy, dyShape)),
      );
      expect(dx?.shape).toEqual(c.shape);
      expectClose(dx?.values ?? [], expected(c, dy), { rtol: 1e-6 });
    });
  });
});

it.each(['sum', 'mean'] as const)(
  'the active %s gradient broadcasts dy (Tile) instead of multiplying by ones',
  async (op) => {
    await tf.setBackend('wasm');
    const x = tf.ones([3, 4]);
    const dy = tf.ones([3]);
    const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf[op](t, 1))(x, dy));
    const kernels = profile.kernels.map((k) => k.name);
    tf.dispose(profile.result);
    expect(kernels).toContain('Tile');
    expect(kernels).not.toContain('Multiply');
    tf.dispose([x, dy]);
  },
);
