import type { TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';

/**
 * Tile (and so broadcastTo, which every broadcasting gradient uses) as block copies: each axis's
 * finished block is replicated with copyWithin (a memmove) instead of element by element.
 */
export const tile: MgdlKernel = {
  kernelName: 'Tile',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const reps = attrs['reps'] as number[];
    if (x.dtype === 'string' || x.shape.length === 0) return runShipped(backend, 'Tile', inputs, attrs);
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const out = backend.makeOutput(outShape, x.dtype);
    if (outShape.includes(0)) return out;
    tileInto(view(backend, x), x.shape, reps, view(backend, out));
    return out;
  },
};

function view(backend: BackendWasm, info: TensorInfo): TypedArray {
  return backend.typedArrayFromHeap(info);
}

export function tileInto(src: TypedArray, shape: readonly number[], reps: readonly number[], dst: TypedArray): void {
  const rank = shape.length;
  // Elements under one index of axis d, in the output and in the source.
  const outInner = new Array<number>(rank).fill(1);
  const srcInner = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) {
    outInner[d] = outInner[d + 1]! * shape[d + 1]! * reps[d + 1]!;
    srcInner[d] = srcInner[d + 1]! * shape[d + 1]!;
  }
  const fill = (d: number, srcOff: number, dstOff: number): void => {
    const n = shape[d]!;
    if (d === rank - 1) {
      dst.set(src.subarray(srcOff, srcOff + n), dstOff);
    } else {
      for (let i = 0; i < n; i++) fill(d + 1, srcOff + i * srcInner[d]!, dstOff + i * outInner[d]!);
    }
    const block = n * outInner[d]!;
    for (let r = 1; r < reps[d]!; r++) dst.copyWithin(dstOff + r * block, dstOff, dstOff + block);
  };
  fill(0, 0, 0);
}
