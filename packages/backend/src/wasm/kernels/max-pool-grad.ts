import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, makeZeros, type MgdlKernel } from '../wasm-kernel.js';
import { memoryOffset, simdKernels } from '../simd/module.js';
import { CallList } from '../simd/call-list.js';
import { maxPoolGrad as maxPoolGradLoop } from '../simd/pool-loops.js';

/**
 * Routes each output gradient to the first maximum of its window (the rule of tfjs's cpu kernel),
 * scanning channels innermost so every read is contiguous.
 */
export const maxPoolGrad: MgdlKernel = {
  kernelName: 'MaxPoolGrad',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const dy = inputs['dy'] as TensorInfo;
    const input = inputs['input'] as TensorInfo;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs['filterSize'] as [number, number] | number,
      attrs['strides'] as [number, number] | number,
      1,
      attrs['pad'] as 'valid' | 'same' | number,
      attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
    const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
    const channels = info.inChannels;
    // Windows that tile the input (stride = filter, no padding, ≥ 4 channels): the SIMD loop.
    const tiled =
      info.strideHeight === filterHeight &&
      info.strideWidth === filterWidth &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      outHeight * filterHeight <= inHeight &&
      outWidth * filterWidth <= inWidth &&
      channels >= 4;
    const simd = tiled ? simdKernels(backend) : undefined;
    if (simd) {
      // Windows covering the whole input write every dx element: no zero fill needed.
      const covered = outHeight * filterHeight === inHeight && outWidth * filterWidth === inWidth;
      const dx = covered ? backend.makeOutput(input.shape, 'float32') : makeZeros(backend, input.shape);
      const [xPtr, dyPtr, dxPtr] = [input, dy, dx].map((t) => memoryOffset(backend, t)) as [number, number, number];
      // One image per task: windows never cross images, so threads write disjoint parts of dx.
      const list = new CallList();
      const [xImage, dyImage] = [inHeight * inWidth * channels * 4, outHeight * outWidth * channels * 4];
      for (let n = 0; n < batchSize; n++) {
        const [x, dy, dx] = [xPtr + n * xImage, dyPtr + n * dyImage, dxPtr + n * xImage];
        list.call(maxPoolGradLoop, { x, dy, dx, n: 1, outH: outHeight, outW: outWidth, kh: filterHeight, kw: filterWidth, inH: inHeight, inW: inWidth, channels }).endTask();
      }
      simd.team.run(list);
      return dx;
    }
    const dx = makeZeros(backend, input.shape);
    const xs = heapF32(backend, input);
    const dys = heapF32(backend, dy);
    const dxs = heapF32(backend, dx);
    const best = new Float32Array(channels);
    const where = new Int32Array(channels);
    for (let n = 0; n < batchSize; n++) {
      for (let y = 0; y < outHeight; y++) {
        const y0 = y * info.strideHeight - info.padInfo.top;
        for (let x = 0; x < outWidth; x++) {
          const x0 = x * info.strideWidth - info.padInfo.left;
          best.fill(-Infinity);
          where.fill(-1);
          for (let r = Math.max(0, -y0); r < filterHeight && y0 + r < inHeight; r++) {
            for (let c = Math.max(0, -x0); c < filterWidth && x0 + c < inWidth; c++) {
              const base = ((n * inHeight + y0 + r) * inWidth + x0 + c) * channels;
              for (let ch = 0; ch < channels; ch++) {
                const v = xs[base + ch]!;
                if (v > best[ch]! || where[ch] === -1) {
                  best[ch] = v;
                  where[ch] = base + ch;
                }
              }
            }
          }
          const dyBase = ((n * outHeight + y) * outWidth + x) * channels;
          for (let ch = 0; ch < channels; ch++) {
            if (where[ch]! >= 0) dxs[where[ch]!]! += dys[dyBase + ch]!;
          }
        }
      }
    }
    return dx;
  },
};
