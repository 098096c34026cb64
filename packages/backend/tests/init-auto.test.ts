import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { backendNames, initBackend } from '../src/index.js';

it('initBackend() without a forced backend says why each candidate was or was not chosen', async () => {
  delete process.env['MGDL_BACKEND'];
  const report = await initBackend({ threads: 1 });
  // This repository installs neither native binding, so the first candidate that loads is wasm.
  expect(report.name).toBe('wasm');
  expect(report.threads).toBeGreaterThanOrEqual(1);
  expect(report.candidates.map((c) => c.name)).toEqual([...backendNames]);
  for (const name of ['tfjs-node-gpu', 'tfjs-node'] as const) {
    const candidate = report.candidates.find((c) => c.name === name);
    expect(candidate?.status, name).toBe('unavailable');
    // Node says "not installed"; under vite the same missing module reads "failed to load: Could not resolve".
    expect(candidate?.reason, name).toMatch(/not installed|failed to load/);
  }
  expect(report.candidates.find((c) => c.name === 'wasm')?.status).toBe('chosen');
  expect(report.candidates.find((c) => c.name === 'cpu')).toMatchObject({
    status: 'skipped',
    reason: 'wasm is preferred',
  });
  expect(report.kernels.map((k) => k.kernelName)).toContain('Conv2DBackpropFilter');
});
