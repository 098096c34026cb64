import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';
import { memoryOffset, simdKernels } from '../simd/module.js';
import { channelSums, layoutOf } from '../simd/channel-sums.js';
import { moments } from '../simd/channel-loops.js';

/**
 * Sum over every axis but the last (a bias gradient, once per conv and dense layer per step) with
 * the SIMD per-channel loops: tfjs-wasm's Sum walks it with a scalar loop per output. Every other
 * reduction goes to the shipped kernel.
 */
export const sum: MgdlKernel = {
  kernelName: 'Sum',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
    const allButLast = rank >= 2 && axes.length === rank - 1 && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    const simd = x.dtype === 'float32' && allButLast ? simdKernels(backend) : undefined;
    if (!simd) return runShipped(backend, 'Sum', inputs, attrs);
    const layout = layoutOf(x);
    const outShape = attrs['keepDims'] ? [...x.shape.slice(0, -1).map(() => 1), layout.channels] : [layout.channels];
    const out = backend.makeOutput(outShape, 'float32');
    const xPtr = memoryOffset(backend, x);
    const values = () => backend.typedArrayFromHeap(x) as Float32Array;
    const [sums] = channelSums(
      backend,
      simd,
      layout,
      () => 0,
      (list, { start, ...sums }) => list.call(moments, { x: xPtr + start * layout.width * 4, ...sums, width: layout.width }),
      (row, c) => [values()[row * layout.channels + c]!, 0],
    );
    (backend.typedArrayFromHeap(out) as Float32Array).set(sums);
    return out;
  },
};
