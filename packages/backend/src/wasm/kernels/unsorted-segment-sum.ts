import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, heapI32, makeZeros, sizeOf, type MgdlKernel } from '../wasm-kernel.js';

/** The gradient of Gather (embeddings): rows of x summed into their segment; ids out of range drop, as in TF. */
export const unsortedSegmentSum: MgdlKernel = {
  kernelName: 'UnsortedSegmentSum',
  why: 'missing',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const segmentIds = inputs['segmentIds'] as TensorInfo;
    const numSegments = attrs['numSegments'] as number;
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const rowSize = sizeOf(rowShape);
    const out = makeZeros(backend, [numSegments, ...rowShape], x.dtype);
    const ids = heapI32(backend, segmentIds);
    const src = x.dtype === 'int32' ? heapI32(backend, x) : heapF32(backend, x);
    const dst = x.dtype === 'int32' ? heapI32(backend, out) : heapF32(backend, out);
    for (let i = 0; i < ids.length; i++) {
      const segment = ids[i]!;
      if (segment < 0 || segment >= numSegments) continue;
      const from = i * rowSize;
      const to = segment * rowSize;
      for (let k = 0; k < rowSize; k++) dst[to + k]! += src[from + k]!;
    }
    return out;
  },
};
