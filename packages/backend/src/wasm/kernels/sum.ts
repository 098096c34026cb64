import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';
import { memoryOffset, simdKernels } from '../simd/module.js';
import { channelSums, layoutOf } from '../simd/channel-sums.js';
import { moments } from '../simd/channel-loops.js';

/**
 * Sum over every axis but the last (a bias gradient, once per conv and dense layer per step) with
 * the SIMD per-channel loops: tfjs-wasm's Sum walks it with a scalar loop per output. Sum over the
 * second-to-last axis only ([S, b, n] → [S, n]: the bias gradients of an ensemble's stacked dense
 * layers) runs the same loops on each of the S matrices, so member s gets exactly the sums a solo
 * run's [b, n] gets. Every other reduction goes to the shipped kernel.
 */
export const sum: MgdlKernel = {
  kernelName: 'Sum',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
    const allButLast = rank >= 2 && axes.length === rank - 1 && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    const secondLast = rank >= 3 && axes.length === 1 && axes[0] === rank - 2;
    const simd = x.dtype === 'float32' && (allButLast || secondLast) ? simdKernels(backend) : undefined;
    if (!simd) return runShipped(backend, 'Sum', inputs, attrs);
    const keepDims = Boolean(attrs['keepDims']);
    const channels = x.shape[rank - 1]!;
    const outShape = allButLast
      ? keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels]
      : [...x.shape.slice(0, -2), ...(keepDims ? [1] : []), channels];
    // allButLast: one matrix of all rows; secondLast: each leading index's [rows, channels] on its own.
    const matrices = allButLast ? 1 : sizeOfLeading(x.shape);
    const layout = layoutOf({ ...x, shape: allButLast ? x.shape : x.shape.slice(-2) });
    const out = backend.makeOutput(outShape, 'float32');
    const matrixFloats = layout.rows * channels;
    for (let i = 0; i < matrices; i++) {
      const xPtr = memoryOffset(backend, x) + i * matrixFloats * 4;
      const values = () => backend.typedArrayFromHeap(x) as Float32Array;
      const [sums] = channelSums(
        backend,
        simd,
        layout,
        () => 0,
        (list, { start, ...sums }) => list.call(moments, { x: xPtr + start * layout.width * 4, ...sums, width: layout.width }),
        (row, c) => [values()[i * matrixFloats + row * channels + c]!, 0],
      );
      (backend.typedArrayFromHeap(out) as Float32Array).set(sums, i * channels);
    }
    return out;
  },
};

const sizeOfLeading = (shape: readonly number[]): number => shape.slice(0, -2).reduce((a, b) => a * b, 1);
