import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { backendNames, initBackend } from '../src/index.js';

it('initBackend() without a forced backend says why each candidate was or was not chosen', async () => {
  delete process.env['MGDL_BACKEND'];
  const report = await initBackend({ threads: 1 });
  // This repository installs neither native binding, and CI's machines have no GPU driver (no
  // Vulkan loader, or only a software adapter), so the first candidate taken is wasm.
  expect(report.name).toBe('wasm');
  expect(report.threads).toBeGreaterThanOrEqual(1);
  expect(report.candidates.map((c) => c.name)).toEqual([...backendNames]);
  for (const name of ['tfjs-node-gpu', 'tfjs-node'] as const) {
    const candidate = report.candidates.find((c) => c.name === name);
    expect(candidate?.status, name).toBe('unavailable');
    // Node says "not installed"; under vite the same missing module reads "failed to load: Could not resolve".
    expect(candidate?.reason, name).toMatch(/not installed|failed to load/);
  }
  // The automatic choice asks Dawn for a hardware adapter only; a software one would be skipped.
  const webgpu = report.candidates.find((c) => c.name === 'webgpu')!;
  if (report.adapter === null) {
    expect(webgpu).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^no hardware adapter \(Vulkan: /) });
  } else {
    expect(report.adapter.software, `a hardware adapter would have been chosen: ${JSON.stringify(report.adapter)}`).toBe(true);
    expect(webgpu).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^software adapter \(.+\): about 1 GFLOP\/s, slower than wasm/) });
  }
  expect(report.candidates.find((c) => c.name === 'wasm')?.status).toBe('chosen');
  expect(report.candidates.find((c) => c.name === 'cpu')).toMatchObject({
    status: 'skipped',
    reason: 'wasm is preferred',
  });
  expect(report.kernels.map((k) => k.kernelName)).toContain('Conv2DBackpropFilter');
});
