/**
 * The SIMD kernels on the threaded wasm backend with 2 threads: the same cases as the 1-thread
 * run (simd-cases.ts), with every multi-task list left to the worker, so each case checks the
 * worker's instance on the shared heap and its per-thread partial sums against cpu. (The caller's
 * share is what the 1-thread run checks; mixed splits are checked in simd-team.test.ts.) This file
 * has its own process (vitest forks), hence its own backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll } from 'vitest';
import { initBackend } from '../src/index.js';
import { simdKernels } from '../src/wasm/simd/module.js';
import { describeSimdKernels } from './simd-cases.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 2 });
  const team = simdKernels(tf.backend() as unknown as BackendWasm)?.team;
  if (team) team.workersOnly = true;
});

describeSimdKernels(2);
