/** The matMul cases with oneDNN installed but turned off (native: false, as MGDL_NATIVE=0): mgdl's wasm kernels run. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it, vi, type MockInstance } from 'vitest';
import { canRunDense, DENSE, loadOneDnn, type OneDnn } from '../src/index.js';
import { defineMatMulSuite } from './mat-mul-suite.js';
import { setupBackendsWithNative } from './support.js';
import { expectWasmKernels } from './kernel-paths.js';

let sgemm: MockInstance<OneDnn['sgemm']>;

beforeAll(async () => {
  const report = await setupBackendsWithNative(false);
  expect(report.native.kernels).toEqual([]);
  expect(report.native.reason).toMatch(/turned off/);
  const load = loadOneDnn(1);
  if (!load.ok) throw new Error(`this test needs oneDNN installed (to show it stays unused): ${load.reason}`);
  sgemm = vi.spyOn(load.onednn, 'sgemm');
});

defineMatMulSuite({
  expectPath: () => {
    expectWasmKernels('BatchMatMul', '_FusedMatMul');
    expect(sgemm, 'dnnl_sgemm').not.toHaveBeenCalled();
  },
});

it('the fused dense layer is off too: tfjs ops run dense layers', () => {
  expect(tf.getKernel(DENSE, 'wasm')).toBeUndefined();
  expect(canRunDense(tf.zeros([4, 3]), 'relu')).toBe(false);
});
