import { getKernel, registerKernel, unregisterKernel, type KernelFunc } from '@tensorflow/tfjs-core';
import { captureShippedKernel, type MgdlKernel } from './wasm-kernel.js';
import { conv2DBackpropFilter } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './kernels/conv2d-backprop-input.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './kernels/depthwise-backprop.js';
import { unsortedSegmentSum } from './kernels/unsorted-segment-sum.js';
import { tile } from './kernels/tile.js';
import { maxPoolGrad } from './kernels/max-pool-grad.js';
import { batchMatMul, fusedMatMul } from './kernels/mat-mul.js';
import { sum } from './kernels/sum.js';
import { conv2D, fusedConv2D } from './kernels/fused-conv2d.js';
import { cast, identity } from './kernels/identity.js';
import { equal } from './kernels/equal.js';
import { gatherV2 } from './kernels/gather.js';

export const wasmTrainingKernels: readonly MgdlKernel[] = [
  conv2DBackpropFilter,
  conv2DBackpropInput,
  depthwiseBackpropFilter,
  depthwiseBackpropInput,
  unsortedSegmentSum,
  tile,
  maxPoolGrad,
  batchMatMul,
  fusedMatMul,
  sum,
  conv2D,
  fusedConv2D,
  identity,
  cast,
  equal,
  gatherV2,
];

export interface RegisteredKernel {
  kernelName: string;
  why: MgdlKernel['why'];
}

let registered: RegisteredKernel[] | undefined;

/**
 * Registers mgdl's wasm kernels: the ones training needs and tfjs-wasm lacks, and faster
 * replacements for slow shipped ones. Idempotent; call before the wasm backend initialises.
 */
export function registerWasmTrainingKernels(): RegisteredKernel[] {
  if (registered) return registered;
  registered = wasmTrainingKernels.map((kernel) => {
    const shipped = getKernel(kernel.kernelName, 'wasm');
    if (shipped) {
      captureShippedKernel(kernel.kernelName);
      unregisterKernel(kernel.kernelName, 'wasm');
    }
    registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: kernel.kernelFunc as unknown as KernelFunc,
      // The replaced kernel is still called as a fallback, so its wasm bindings must be set up.
      ...(shipped?.setupFunc ? { setupFunc: shipped.setupFunc } : {}),
    });
    return { kernelName: kernel.kernelName, why: kernel.why };
  });
  return registered;
}
