import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, makeZeros, type MgdlKernel } from '../wasm-kernel.js';
import { convInfoFromAttrs } from './conv-info.js';
import type { backend_util } from '@tensorflow/tfjs-core';

/**
 * Visits every (input pixel, filter tap, output pixel) triple of a depthwise conv once, giving the
 * offsets into X (NHWC), W ([fh, fw, Ci, m]) and dY ([N, oh, ow, Ci·m]); both backprops are a
 * multiply-add over those triples, channel by channel.
 */
function forEachTap(
  info: backend_util.Conv2DInfo,
  visit: (xBase: number, wBase: number, dyBase: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < outHeight; y++) {
      for (let r = 0; r < info.filterHeight; r++) {
        const iy = y * info.strideHeight - top + r * info.dilationHeight;
        if (iy < 0 || iy >= inHeight) continue;
        for (let x = 0; x < outWidth; x++) {
          const dyBase = ((n * outHeight + y) * outWidth + x) * outChannels;
          for (let c = 0; c < info.filterWidth; c++) {
            const ix = x * info.strideWidth - left + c * info.dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            visit(((n * inHeight + iy) * inWidth + ix) * inChannels, (r * info.filterWidth + c) * outChannels, dyBase);
          }
        }
      }
    }
  }
}

export const depthwiseBackpropFilter: MgdlKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  why: 'missing',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const dy = inputs['dy'] as TensorInfo;
    const filterShape = attrs['filterShape'] as number[];
    const info = convInfoFromAttrs('DepthwiseConv2dNativeBackpropFilter', x.shape, filterShape, attrs, true);
    const dW = makeZeros(backend, filterShape);
    const xs = heapF32(backend, x);
    const dys = heapF32(backend, dy);
    const dWs = heapF32(backend, dW);
    const channels = info.inChannels;
    const multiplier = info.outChannels / channels;
    forEachTap(info, (xBase, wBase, dyBase) => {
      for (let ch = 0; ch < channels; ch++) {
        const xv = xs[xBase + ch]!;
        for (let q = 0; q < multiplier; q++) {
          const o = ch * multiplier + q;
          dWs[wBase + o]! += xv * dys[dyBase + o]!;
        }
      }
    });
    return dW;
  },
};

export const depthwiseBackpropInput: MgdlKernel = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  why: 'missing',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const dy = inputs['dy'] as TensorInfo;
    const filter = inputs['filter'] as TensorInfo;
    const inputShape = attrs['inputShape'] as number[];
    const info = convInfoFromAttrs('DepthwiseConv2dNativeBackpropInput', inputShape, filter.shape, attrs, true);
    const dx = makeZeros(backend, inputShape);
    const ws = heapF32(backend, filter);
    const dys = heapF32(backend, dy);
    const dxs = heapF32(backend, dx);
    const channels = info.inChannels;
    const multiplier = info.outChannels / channels;
    forEachTap(info, (xBase, wBase, dyBase) => {
      for (let ch = 0; ch < channels; ch++) {
        let sum = 0;
        for (let q = 0; q < multiplier; q++) {
          const o = ch * multiplier + q;
          sum += ws[wBase + o]! * dys[dyBase + o]!;
        }
        dxs[xBase + ch]! += sum;
      }
    });
    return dx;
  },
};
