/**
 * BatchMatMul / _FusedMatMul in oneDNN (dnnl_sgemm on the wasm heap). libdnnl.so.2 is required:
 * without it these tests fail and say how to install it (.ci/run installs it when run as root).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, type MockInstance } from 'vitest';
import { loadOneDnn } from '../src/index.js';
import { calledSinceLastCheck, spyOnOneDnn } from './kernel-paths.js';
import { defineMatMulSuite } from './mat-mul-suite.js';
import { expectWasmMatchesCpu, Random, setupBackendsWithNative, sizeOf } from './support.js';

let sgemm: MockInstance;

beforeAll(async () => {
  // native: true makes initBackend throw with the reason (and the apt command) when oneDNN does not load.
  const report = await setupBackendsWithNative(true);
  expect(report.native.kernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul']));
  const load = loadOneDnn(1);
  expect(load.ok && load.onednn.threads, 'oneDNN threads follow the wasm thread count').toBe(1);
  sgemm = spyOnOneDnn().sgemm;
});

defineMatMulSuite({ expectPath: calledSinceLastCheck(() => sgemm, 'dnnl_sgemm') });

describe('cases oneDNN does not take run on the wasm kernels, still matching cpu', () => {
  /** Operands from a fixed seed, so the cpu and the wasm run multiply the same numbers. */
  const seeded = (build: (rand: (shape: number[]) => tf.Tensor) => tf.Tensor) => (): tf.Tensor => {
    const rng = new Random(0x5e1);
    return build((shape) => tf.tensor(rng.floats(sizeOf(shape)), shape));
  };
  const fallbacks: [string, () => tf.Tensor][] = [
    ['leakyrelu activation', seeded((rand) => tf.fused.matMul({ a: rand([5, 4]), b: rand([4, 3]), bias: rand([3]), activation: 'leakyrelu', leakyreluAlpha: 0.2 }))],
    ['prelu activation', seeded((rand) => tf.fused.matMul({ a: rand([5, 4]), b: rand([4, 3]), activation: 'prelu', preluActivationWeights: rand([3]) }))],
    ['batches broadcast from both sides ([2,1] against [1,3])', seeded((rand) => tf.matMul(rand([2, 1, 5, 4]), rand([1, 3, 4, 3])))],
  ];
  it.each(fallbacks)('%s', async (_, build) => {
    const before = sgemm.mock.calls.length;
    const [out] = await expectWasmMatchesCpu(build, { scale: 2 });
    expect(out?.values.length).toBeGreaterThan(0);
    expect(sgemm.mock.calls.length, 'dnnl_sgemm calls').toBe(before);
  });
});
