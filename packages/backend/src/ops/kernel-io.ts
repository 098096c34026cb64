import { registerGradient, registerKernel, type DataType, type GradConfig, type KernelBackend, type KernelFunc, type NamedTensorInfoMap, type TensorInfo, type TypedArray } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Typed-array access to tensors inside a kernel, for the two backends whose memory JS can touch:
 * wasm (views on the heap, no copy) and cpu (its own arrays).
 */
export interface KernelIO {
  read(info: TensorInfo): Float32Array;
  /** Allocates every output first: a wasm allocation can move the heap and stale earlier views. */
  alloc(shapes: number[][], dtype?: DataType): { infos: TensorInfo[]; data: () => Float32Array[] };
}

export function kernelIO(backend: KernelBackend): KernelIO {
  if ('typedArrayFromHeap' in backend) {
    const wasm = backend as unknown as BackendWasm;
    return {
      read: (info) => wasm.typedArrayFromHeap(info) as Float32Array,
      alloc: (shapes, dtype = 'float32') => {
        const infos = shapes.map((shape) => wasm.makeOutput(shape, dtype));
        return { infos, data: () => infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array) };
      },
    };
  }
  return {
    read: (info) => backend.readSync(info.dataId) as Float32Array,
    alloc: (shapes, dtype = 'float32') => {
      const arrays = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)) as TypedArray);
      const infos = shapes.map((shape, i) => ({
        dataId: backend.write(arrays[i]!, shape, dtype),
        shape,
        dtype,
      }));
      return { infos, data: () => arrays as Float32Array[] };
    },
  };
}

/** A kernel function's arguments, as the label-reading kernels take them. */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
}

/** Class labels as numbers whatever their dtype (the wasm heap view follows it); callers truncate, as tfjs's cast to int32 does. */
export function labelsOf(backend: KernelBackend, labels: TensorInfo): ArrayLike<number> {
  if ('typedArrayFromHeap' in backend) return (backend as unknown as { typedArrayFromHeap(t: TensorInfo): ArrayLike<number> }).typedArrayFromHeap(labels);
  return backend.readSync(labels.dataId) as ArrayLike<number>;
}

/**
 * A `register…()` for kernels written in JS: the first call registers them on wasm and cpu (the
 * backends whose memory JS can touch) and their gradient, if any; every call returns their names.
 */
export function jsKernelRegistrar(kernels: Record<string, (args: never) => TensorInfo | TensorInfo[]>, gradient?: GradConfig): () => string[] {
  let registered = false;
  return () => {
    if (!registered) {
      for (const backendName of ['wasm', 'cpu']) for (const [kernelName, kernelFunc] of Object.entries(kernels)) registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as KernelFunc });
      if (gradient) registerGradient(gradient);
      registered = true;
    }
    return Object.keys(kernels);
  };
}
