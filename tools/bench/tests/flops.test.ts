import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { flopsKernels, timeKernel } from '../src/flops/kernels.js';
import { FLOPS_PER_TURN, simdPeakGflops } from '../src/flops/simd-peak.js';

const dir = mkdtempSync(join(tmpdir(), 'mgdl-bench-flops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});
const main = fileURLToPath(new URL('../src/flops/main.ts', import.meta.url));
const flopsCli = (args: string[]) => spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--no-torch', ...args], { encoding: 'utf8', timeout: 600_000 });

describe('bench:flops', () => {
  it('counts 2 flops per multiply-add at each kernel’s shape, with valid and same padding', () => {
    const byName = new Map(flopsKernels.map((k) => [k.name, k]));
    expect(byName.get('dense 784→64')!.flops).toBe(2 * 128 * 784 * 64);
    expect(byName.get('conv 3×3 32→64')!.flops).toBe(2 * 128 * 24 * 24 * 64 * 9 * 32);
    expect(byName.get('conv 3×3 20→40')!.flops).toBe(2 * 128 * 16 * 16 * 40 * 9 * 20);
    expect(byName.get('conv 5×300→100')!.flops).toBe(2 * 128 * 1 * 36 * 100 * 5 * 300);
    expect(FLOPS_PER_TURN).toBe(64);
  });

  it('measures the SIMD loop and every kernel in both modes without leaking tensors', async () => {
    expect(await simdPeakGflops(0.01, 2)).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const dense = flopsKernels.find((k) => k.name === 'dense 784→64')!;
    for (const mode of ['forward', 'train'] as const) {
      const timing = timeKernel(dense, mode, 0.01);
      expect(timing.seconds).toBeGreaterThan(0);
      expect(timing.cpuPerWall).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('prints and writes every kernel’s GFLOP/s and its share of the SIMD limit; refuses bad flags with exit code 2', () => {
    const json = join(dir, 'flops.json');
    const run = flopsCli(['--seconds', '0.01', '--json', json]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wasm SIMD128 multiply-add limit: [\d.]+ GFLOP\/s per thread/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { simdPeakGflops: number; threads: number; torch: null; rows: { kernel: string; mode: string; gflops: number; shareOfLimit: number; cpuPerWall: number; torchGflops: null }[] };
    expect(report.threads).toBe(1);
    expect(report.torch).toBeNull();
    expect(report.rows.map((r) => `${r.kernel}/${r.mode}`)).toEqual(flopsKernels.flatMap((k) => [`${k.name}/forward`, `${k.name}/train`]));
    for (const row of report.rows) {
      expect(row.gflops).toBeGreaterThan(0);
      expect(row.shareOfLimit).toBeCloseTo(row.gflops / report.simdPeakGflops, 9);
      expect(row.cpuPerWall).toBeGreaterThan(0);
      expect(row.torchGflops).toBeNull();
    }
    const bad = flopsCli(['--threads', 'two']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--threads 'two' must be a positive integer");
  });
});
