import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, runShipped, type MgdlKernel } from '../wasm-kernel.js';

/**
 * Sum over the leading axes (every bias gradient: NHWC → C) as one streaming pass. tfjs-wasm first
 * transposes the reduced axes innermost, which costs a full copy of the input.
 */
export const sum: MgdlKernel = {
  kernelName: 'Sum',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.every((axis, i) => axis === i) && axes.length < x.shape.length;
    if (x.dtype !== 'float32' || !leading) return runShipped(backend, 'Sum', inputs, attrs);
    const [kept] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const outShape = attrs['keepDims'] ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
    const out = backend.makeOutput(outShape, 'float32');
    const src = heapF32(backend, x);
    const inner = util.sizeFromShape(kept);
    const rows = src.length / inner;
    const acc = new Float64Array(inner);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let j = 0; j < inner; j++, i++) acc[j]! += src[i]!;
    }
    heapF32(backend, out).set(acc);
    return out;
  },
};
