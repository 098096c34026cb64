import {
  getKernel,
  util,
  type DataType,
  type KernelConfig,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A kernel mgdl registers for `wasm`, with the reason it exists (shown by `mgdl backend`). */
export interface MgdlKernel {
  kernelName: string;
  /** native: runs in a native library (oneDNN) on the wasm heap, see src/native. */
  why: 'missing' | 'faster' | 'fused' | 'native';
  kernelFunc: (args: {
    inputs: NamedTensorInfoMap;
    attrs: NamedAttrMap;
    backend: BackendWasm;
  }) => TensorInfo | TensorInfo[];
}

/**
 * The wasm kernels as tfjs shipped them, captured before mgdl replaces any, so replacements can
 * compose the fast originals (and fall back to them for configurations they do not handle).
 */
const shipped = new Map<string, KernelConfig>();

export function captureShippedKernel(kernelName: string): void {
  if (shipped.has(kernelName)) return;
  const config = getKernel(kernelName, 'wasm');
  if (config) shipped.set(kernelName, config);
}

/** Runs a shipped wasm kernel directly: no engine bookkeeping, no tape. */
export function runShipped(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = shipped.get(kernelName) ?? getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`mgdl: the wasm backend has no '${kernelName}' kernel to build on`);
  return config.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

/** Releases intermediate results made inside a kernel. */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function reshapeInfo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runShipped(backend, 'Reshape', { x }, { shape });
}

export function transposeInfo(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runShipped(backend, 'Transpose', { x }, { perm });
}

/** Slices [top, bottom, left, right] rows/columns off an NHWC tensor; returns x itself when all are 0. */
export function cropSpatial(backend: BackendWasm, x: TensorInfo, [top, bottom, left, right]: [number, number, number, number]): TensorInfo {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return runShipped(backend, 'Slice', { x }, { begin: [0, top, left, 0], size: [n, h - top - bottom, w - left - right, c] });
}

/** A float32 view of a tensor's bytes on the wasm heap; take views only after allocating outputs. */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function heapI32(backend: BackendWasm, info: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(info) as Int32Array;
}

export function makeZeros(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  (backend.typedArrayFromHeap(out) as Float32Array | Int32Array).fill(0);
  return out;
}

export const sizeOf = (shape: readonly number[]): number => util.sizeFromShape(shape as number[]);
