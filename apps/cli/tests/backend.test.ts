import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { main, mgdl } from './run.js';

describe('mgdl backend', () => {
  it('reports the chosen backend, every candidate with a reason, threads and registered kernels', () => {
    const run = mgdl('backend', '--backend', 'wasm', '--threads', '1', '--json');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.name).toBe('wasm');
    expect(report.threads).toBe(1);
    expect(report.candidates.map((c: { name: string }) => c.name)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
    for (const candidate of report.candidates) expect(candidate.reason).not.toBe('');
    expect(report.kernels.map((k: { kernelName: string }) => k.kernelName)).toContain('Conv2DBackpropFilter');
  });

  it('prints a readable table by default', () => {
    const run = mgdl('backend', '--backend', 'cpu');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^backend: cpu/);
    expect(run.stdout).toMatch(/\* cpu +chosen: requested/);
    // Each fused kernel is described as what it is, not as one of its siblings (Adam is no batch norm).
    expect(run.stdout).toMatch(/^ {2}MgdlAdamUpdate +mgdl kernel: one call for what tfjs runs as several ops/m);
  });

  it('rejects bad input with a message and exit code 2', () => {
    const threads = mgdl('backend', '--threads', '0');
    expect(threads.status).toBe(2);
    expect(threads.stderr).toContain('--threads must be a positive integer');
    const backend = mgdl('backend', '--backend', 'tpu');
    expect(backend.status).toBe(2);
    expect(backend.stderr).toMatch(/Allowed choices are tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu/);
  });

  it('rejects a bad MGDL_BACKEND with a clear error', () => {
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, 'backend'], {
      encoding: 'utf8',
      env: { ...process.env, MGDL_BACKEND: 'gpu' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("MGDL_BACKEND='gpu' is not a backend");
  });
});

describe('mgdl backend: webgpu (in CI, forced onto Mesa\'s llvmpipe through OpenGL ES: a software adapter)', () => {
  it('--backend webgpu starts it and reports the adapter: vendor, architecture, description, software or hardware', () => {
    const run = mgdl('backend', '--backend', 'webgpu', '--json');
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.name).toBe('webgpu');
    expect(report.adapter).toMatchObject({ vendor: expect.any(String), architecture: expect.any(String), description: expect.any(String), software: expect.any(Boolean), featureLevel: expect.stringMatching(/^(core|compatibility)$/) });
    const text = mgdl('backend', '--backend', 'webgpu');
    expect(text.stdout).toMatch(/^backend: webgpu \(tfjs 'webgpu'\)/);
    expect(text.stdout).toMatch(/\* webgpu +chosen: requested \(/);
    expect(text.stdout).toMatch(/^webgpu adapter: .+\((software: about 1 GFLOP\/s, used only when asked for|hardware)\)$/m);
  });

  it('the automatic choice looks for a hardware adapter only, and says why webgpu was not chosen', () => {
    const run = mgdl('backend', '--threads', '1');
    expect(run.status, run.stderr).toBe(0);
    // CI's machines have no GPU driver: no Vulkan loader (or only a software adapter), and wasm is chosen.
    expect(run.stdout).toMatch(/^backend: wasm/);
    expect(run.stdout).toMatch(/ {3}webgpu +(unavailable: no hardware adapter \(Vulkan: .+\)|skipped: software adapter \(.+\): about 1 GFLOP\/s, slower than wasm; MGDL_BACKEND=webgpu uses it anyway)$/m);
    expect(run.stdout).toMatch(/^webgpu adapter: (none \(see the webgpu candidate\)|.+\(software: about 1 GFLOP\/s, used only when asked for\))$/m);
  });

  it('says it did not look for an adapter when another backend is forced', () => {
    const run = mgdl('backend', '--backend', 'cpu');
    expect(run.stdout).toMatch(/^webgpu adapter: not looked for$/m);
  });
});

describe('mgdl demo', () => {
  it('trains the CNN for real: accuracy rises well above chance', () => {
    const run = mgdl('demo', '--backend', 'wasm', '--threads', '1', '--epochs', '2', '--train', '4096');
    expect(run.status, run.stderr).toBe(0);
    // One line per epoch from the kernel's epoch metrics (the demo trains through train()), then the test set's accuracy.
    expect(run.stdout.match(/^epoch \d\/2 {2}loss \d+\.\d{4} {2}train acc [\d.]+% {2}\d+ samples\/s$/gm)).toHaveLength(2);
    expect(run.stdout).toMatch(/^test accuracy [\d.]+% \(1024 held-out samples\)$/m);
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(run.stdout)![1]);
    expect(accuracy).toBeGreaterThan(30);
  });

  it('runs on webgpu (reads results asynchronously: the GPU has no synchronous read in Node)', () => {
    const run = mgdl('demo', '--backend', 'webgpu', '--epochs', '1', '--train', '128', '--width', '1');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^backend webgpu \(.+\); run `mgdl backend` for why$/m);
    expect(Number(/epoch 1\/1 {2}loss ([\d.]+)/.exec(run.stdout)?.[1])).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/test accuracy [\d.]+% \(1024 held-out samples\)/);
  });
});

describe('mgdl backend: native kernels', () => {
  const withEnv = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, 'backend', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('runs the products and convolutions in oneDNN on wasm (libdnnl2 installed: .ci/run installs it)', () => {
    const run = mgdl('backend', '--backend', 'wasm', '--threads', '1', '--json');
    expect(run.status).toBe(0);
    const { native } = JSON.parse(run.stdout);
    expect(native.reason, 'why no kernel runs native').toBe('oneDNN loaded');
    expect(native.kernels).toEqual(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MgdlDense', 'MgdlDenseGrad']);
    expect(native.library).toMatch(/^oneDNN \d+\.\d+\.\d+/);
    expect(native.threads).toBe(1);
  });

  it('says when MGDL_NATIVE=0 turned them off', () => {
    const run = withEnv({ MGDL_NATIVE: '0' }, '--backend', 'wasm', '--threads', '1');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/native kernels: none \(turned off \(MGDL_NATIVE=0/);
  });

  it('says how to install the library when it is missing', () => {
    const run = withEnv({ MGDL_ONEDNN_LIBRARY: 'libdnnl-absent.so.2' }, '--backend', 'wasm', '--threads', '1');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/native kernels: none \(libdnnl-absent\.so\.2 not found .*apt-get install -y libdnnl2/);
  });
});
