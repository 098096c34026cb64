import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../src/index.js';
import { expectNoLeak, expectWasmMatchesCpu, Random, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

// mgdl's wasm Identity and same-dtype Cast share the input's heap data instead of copying it.
const rng = new Random(0x1d);
const shapes: number[][] = Array.from({ length: 8 }, (_, i) => Array.from({ length: (i % 4) + 1 }, () => rng.int(1, 5)));

describe('Identity and Cast (wasm) share data', () => {
  shapes.forEach((shape, i) => {
    const values = rng.floats(sizeOf(shape));
    it(`clone and same-dtype cast of [${shape}] match cpu and outlive their input`, async () => {
      await expectWasmMatchesCpu(() => {
        const x = tf.tensor(values, shape);
        const copies = [x.clone(), tf.cast(x, 'float32'), tf.engine().runKernel('Identity', { x }) as tf.Tensor];
        x.dispose();
        return copies;
      });
    });
    it(`#${i} leaks nothing`, async () => {
      await expectNoLeak(
        'wasm',
        () => [tf.tensor(values, shape)],
        ([x]) => [x!.clone(), tf.cast(x!, 'float32'), tf.cast(x!, 'int32'), tf.cast(tf.cast(x!, 'bool'), 'float32')],
      );
    });
  });

  it('casts that change the dtype still convert (the shipped kernel)', async () => {
    const values = Float32Array.from([-1.5, 0, 0.25, 2.75, 3]);
    const [asInt, asFloat] = await expectWasmMatchesCpu(() => [tf.cast(tf.tensor(values), 'int32'), tf.cast(tf.tensor([true, false, true]), 'float32')]);
    expect(asInt?.dtype).toBe('int32');
    expect(asFloat?.dtype).toBe('float32');
  });

  it('batch norm keeps its saved input valid after the caller disposes it', async () => {
    const shape = [2, 3, 3, 5];
    const x0 = rng.floats(sizeOf(shape));
    const dy0 = rng.floats(sizeOf(shape));
    const build = (): tf.Tensor[] => {
      const gamma = tf.ones([5]) as tf.Tensor1D;
      const beta = tf.zeros([5]) as tf.Tensor1D;
      const grads = tf.grads((x: tf.Tensor) => {
        const out = batchNormTraining(x, gamma, beta).y;
        return tf.sum(tf.mul(out, tf.tensor(dy0, shape)));
      });
      return grads([tf.tensor(x0, shape)]);
    };
    await expectWasmMatchesCpu(build, { scale: 10, rtol: 1e-3 });
  });
});
