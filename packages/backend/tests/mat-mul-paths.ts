import { getKernel } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { wasmTrainingKernels } from '../src/index.js';

/** BatchMatMul and _FusedMatMul on wasm are mgdl's wasm kernels (not oneDNN's). */
export function expectWasmKernels(): void {
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const mgdl = wasmTrainingKernels.find((k) => k.kernelName === name);
    expect(getKernel(name, 'wasm')?.kernelFunc, `${name} on wasm`).toBe(mgdl?.kernelFunc);
  }
}
