import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { initBackend, wasmTrainingKernels } from '../src/index.js';

it('initBackend({backend: "wasm"}) activates wasm and reports what it registered', async () => {
  const report = await initBackend({ backend: 'wasm', threads: 1 });
  expect(report.name).toBe('wasm');
  expect(report.tfjsBackend).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(report.threads).toBeGreaterThanOrEqual(1);
  expect(report.gradients).toEqual(['Sum', 'Mean']);

  expect(report.candidates).toContainEqual({ name: 'wasm', status: 'chosen', reason: 'requested' });
  for (const candidate of report.candidates) expect(candidate.reason).not.toBe('');

  expect(report.kernels).toContainEqual({ kernelName: 'Conv2DBackpropFilter', why: 'missing' });
  expect(report.kernels.map((k) => k.kernelName)).toEqual(
    expect.arrayContaining(wasmTrainingKernels.map((k) => k.kernelName)),
  );
  // Each reported kernel is the one tfjs dispatches to, unless oneDNN's replaced it (libdnnl.so.2 installed).
  const native = new Set(report.native.kernels);
  for (const kernel of wasmTrainingKernels) {
    const dispatched = tf.getKernel(kernel.kernelName, 'wasm')?.kernelFunc;
    if (native.has(kernel.kernelName)) expect(dispatched, `${kernel.kernelName} (oneDNN's)`).not.toBe(kernel.kernelFunc);
    else expect(dispatched, kernel.kernelName).toBe(kernel.kernelFunc);
  }
});

it('is idempotent: a second call returns the first report and changes nothing', async () => {
  const first = await initBackend({ backend: 'wasm', threads: 1 });
  const second = await initBackend({ backend: 'cpu', threads: 3 });
  expect(second).toBe(first);
  expect(tf.getBackend()).toBe('wasm');
});
