import { getKernel } from '@tensorflow/tfjs-core';
import { expect, vi, type MockInstance } from 'vitest';
import { loadOneDnn, wasmTrainingKernels } from '../src/index.js';

/** The named kernels on wasm are mgdl's wasm kernels (not oneDNN's). */
export function expectWasmKernels(...names: string[]): void {
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const mgdl = wasmTrainingKernels.find((k) => k.kernelName === name);
    expect(mgdl, `mgdl has a wasm ${name}`).toBeDefined();
    expect(getKernel(name, 'wasm')?.kernelFunc, `${name} on wasm`).toBe(mgdl?.kernelFunc);
  }
}

/** Spies on oneDNN's sgemm and primitive execution (libdnnl.so.2 must load: the error says how to install it). */
export function spyOnOneDnn(): { sgemm: MockInstance; execute: MockInstance } {
  const load = loadOneDnn(1);
  if (!load.ok) throw new Error(load.reason);
  const { primitives } = load.onednn;
  if (typeof primitives === 'string') throw new Error(primitives);
  return { sgemm: vi.spyOn(load.onednn, 'sgemm'), execute: vi.spyOn(primitives, 'execute') };
}

/** A check that `spy` was called since the previous check (the computation just compared ran in oneDNN). */
export function calledSinceLastCheck(spy: () => MockInstance, label: string): () => void {
  let seen = 0;
  return () => {
    const calls = spy().mock.calls.length;
    expect(calls, `${label} calls`).toBeGreaterThan(seen);
    seen = calls;
  };
}
