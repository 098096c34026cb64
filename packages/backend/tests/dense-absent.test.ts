/** Without the oneDNN library the fused dense layer's kernels are not registered: callers keep tfjs's ops. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { canRunDense, DENSE, DENSE_GRAD, ONEDNN_LIBRARY_ENV } from '../src/index.js';
import { setupBackendsWithNative } from './support.js';

beforeAll(async () => {
  process.env[ONEDNN_LIBRARY_ENV] = 'libdnnl-absent.so.2';
  const report = await setupBackendsWithNative(undefined);
  expect(report.native.kernels).toEqual([]);
});

it('no MgdlDense / MgdlDenseGrad on wasm, and canRunDense says so', () => {
  expect(tf.getKernel(DENSE, 'wasm')).toBeUndefined();
  expect(tf.getKernel(DENSE_GRAD, 'wasm')).toBeUndefined();
  expect(canRunDense(tf.zeros([4, 3]), 'relu')).toBe(false);
});
