import { getKernel, registerKernel, unregisterKernel, type KernelFunc } from '@tensorflow/tfjs-core';
import type { MgdlKernel } from '../wasm/wasm-kernel.js';
import { batchMatMul, fusedMatMul } from '../wasm/kernels/mat-mul.js';
import { conv2D, fusedConv2D } from '../wasm/kernels/fused-conv2d.js';
import { conv2DBackpropInput } from '../wasm/kernels/conv2d-backprop-input.js';
import { conv2DBackpropFilter } from '../wasm/kernels/conv2d-backprop-filter.js';
import { nativeMatMul } from './mat-mul.js';
import { nativeConvKernels } from './conv.js';
import { nativeDenseKernels } from './dense.js';
import { loadOneDnn } from './onednn.js';

/** Turns the native kernels off ('0') or makes them required ('1'); unset: used when oneDNN loads. */
export const NATIVE_ENV = 'MGDL_NATIVE';

export interface NativeReport {
  /** Kernels that run in oneDNN (on the wasm heap); empty when none do, and `reason` says why. */
  kernels: string[];
  /** e.g. 'oneDNN 2.6.3 (OpenMP)'; null when not loaded. */
  library: string | null;
  /** oneDNN's threads (follow the wasm thread count); 0 when not loaded. */
  threads: number;
  reason: string;
}

/**
 * Replaces the wasm backend's BatchMatMul, _FusedMatMul and NHWC convolutions (Conv2D,
 * FusedConv2D, Conv2DBackpropInput/Filter) by oneDNN ones; each falls back to mgdl's wasm kernel
 * for cases it does not handle. Adds the fused dense layer's kernels (MgdlDense, MgdlDenseGrad). Call after registerWasmTrainingKernels;
 * idempotent (a second call replaces the kernels by equal ones).
 * `native`: true requires oneDNN (throws with the reason when it does not load), false keeps the
 * wasm kernels, undefined uses oneDNN when it loads.
 */
export function registerNativeKernels(threads: number, native: boolean | undefined): NativeReport {
  const off = (reason: string): NativeReport => ({ kernels: [], library: null, threads: 0, reason });
  if (native === false) return off(`turned off (${NATIVE_ENV}=0 or native: false)`);
  const load = loadOneDnn(threads);
  if (!load.ok) {
    if (native) throw new Error(`mgdl: native kernels were required (${NATIVE_ENV}=1 or native: true) but oneDNN is unavailable: ${load.reason}`);
    return off(load.reason);
  }
  const { primitives } = load.onednn;
  const kernels = [
    nativeMatMul('BatchMatMul', load.onednn, batchMatMul),
    nativeMatMul('_FusedMatMul', load.onednn, fusedMatMul),
    ...(typeof primitives === 'string' ? [] : nativeConvKernels(primitives, CONV_FALLBACKS)),
    ...nativeDenseKernels(load.onednn),
  ];
  kernels.forEach(replaceWasmKernel);
  return {
    kernels: kernels.map((k) => k.kernelName),
    library: `oneDNN ${load.onednn.version} (${load.onednn.runtime})`,
    threads: load.onednn.threads,
    reason: typeof primitives === 'string' ? `oneDNN loaded; convolutions stay on wasm: ${primitives}` : 'oneDNN loaded',
  };
}

/** mgdl's wasm convolutions, for the geometries oneDNN's kernels leave to them. */
const CONV_FALLBACKS: Record<string, MgdlKernel> = Object.fromEntries(
  [conv2D, fusedConv2D, conv2DBackpropInput, conv2DBackpropFilter].map((k) => [k.kernelName, k]),
);

/** Keeps the replaced kernel's setupFunc: the fallback still calls tfjs's own wasm bindings. */
function replaceWasmKernel(kernel: MgdlKernel): void {
  const previous = getKernel(kernel.kernelName, 'wasm');
  if (previous) unregisterKernel(kernel.kernelName, 'wasm');
  registerKernel({
    kernelName: kernel.kernelName,
    backendName: 'wasm',
    kernelFunc: kernel.kernelFunc as unknown as KernelFunc,
    ...(previous?.setupFunc ? { setupFunc: previous.setupFunc } : {}),
  });
}

export function parseNativeEnv(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === '0' || value === '1') return value === '1';
  throw new Error(`mgdl: ${NATIVE_ENV}='${value}' must be 0 (wasm kernels only), 1 (require oneDNN) or auto/unset (oneDNN when it loads)`);
}
