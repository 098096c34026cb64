/**
 * The fused Adam update on the threaded wasm backend with 2 threads, every multi-task list left to
 * the worker: its instance of the SIMD loop on the shared heap must give the same bits. Own
 * process (vitest forks), hence its own backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import { simdKernels } from '../src/wasm/simd/module.js';
import { adamCases, describeCase, fused, perOp } from './adam-cases.js';
import { expectSameResults, runOn } from './support.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 2 });
  const team = simdKernels(tf.backend() as unknown as BackendWasm)?.team;
  if (team) team.workersOnly = true;
});

it('the worker computes the same update as the per-op one on cpu, bit for bit', async () => {
  for (const c of adamCases) {
    const expected = await runOn('cpu', perOp(c));
    expectSameResults(await runOn('wasm', fused(c)), expected, { rtol: 0 }, describeCase(c));
  }
  expect(simdKernels(tf.backend() as unknown as BackendWasm)?.team.size).toBe(2);
});
