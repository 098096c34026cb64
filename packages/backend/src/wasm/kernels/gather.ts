import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';

/**
 * GatherV2 (an embedding lookup) as block copies: tfjs-wasm gathers element by element, 83 ms for
 * textcnn's 5,120 rows of 300 floats. Indices out of range throw, as on tfjs's cpu backend.
 * Batched gathers (batchDims > 0) stay on tfjs-wasm's kernel.
 */
export const gatherV2: MgdlKernel = {
  kernelName: 'GatherV2',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const [x, indices] = [inputs['x'] as TensorInfo, inputs['indices'] as TensorInfo];
    if (((attrs['batchDims'] as number | undefined) ?? 0) !== 0 || x.dtype === 'string' || indices.dtype !== 'int32') return runShipped(backend, 'GatherV2', inputs, attrs);
    const axis = util.parseAxisParam(attrs['axis'] as number, x.shape)[0]!;
    const [outer, size, inner] = [util.sizeFromShape(x.shape.slice(0, axis)), x.shape[axis]!, util.sizeFromShape(x.shape.slice(axis + 1))];
    const bad = (backend.typedArrayFromHeap(indices) as Int32Array).find((k) => k < 0 || k >= size);
    if (bad !== undefined) throw new Error(`GatherV2: the index value ${bad} is not in [0, ${size - 1}]`);
    const out = backend.makeOutput([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
    // Views only after the output exists: allocating can grow (and move) the heap.
    const [src, index, dst] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(indices) as Int32Array, backend.typedArrayFromHeap(out)];
    for (let o = 0, at = 0; o < outer; o++) {
      for (let i = 0; i < index.length; i++, at += inner) {
        const from = (o * size + index[i]!) * inner;
        if (inner === 1) dst[at] = src[from]!;
        else dst.set(src.subarray(from, from + inner), at);
      }
    }
    return out;
  },
};
