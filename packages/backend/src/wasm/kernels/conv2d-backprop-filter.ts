import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cropSpatial, release, runShipped, transposeInfo, type MgdlKernel } from '../wasm-kernel.js';
import { convInfoFromAttrs } from './conv-info.js';
import { conv2DBackpropFilterSimd } from './conv-filter-simd.js';
import { simdKernels } from '../simd/module.js';

/**
 * dW[r,c,i,o] = Σ_{n,y,x} X[n, y·s + r·d − pad, x·s + c·d − pad, i] · dY[n,y,x,o] is itself a
 * convolution: of X seen as Ci images with N channels, by dY seen as an (oh×ow, N→Co) filter, with the
 * roles of stride and dilation swapped. That puts the whole reduction on XNNPACK's conv.
 */
export const conv2DBackpropFilter: MgdlKernel = {
  kernelName: 'Conv2DBackpropFilter',
  why: 'missing',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const dy = inputs['dy'] as TensorInfo;
    const filterShape = attrs['filterShape'] as number[];
    const info = convInfoFromAttrs('Conv2DBackpropFilter', x.shape, filterShape, attrs);
    const simd = simdKernels(backend);
    const direct = simd && conv2DBackpropFilterSimd(simd, backend, x, dy, info);
    if (direct) return direct;
    const { top, left } = info.padInfo;
    // Rows/columns of the padded input the forward conv read; beyond them the input did not count.
    const usedH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
    const usedW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
    const bottom = usedH - info.inHeight - top;
    const right = usedW - info.inWidth - left;
    const cropped = cropSpatial(backend, x, [0, Math.max(0, -bottom), 0, Math.max(0, -right)]);
    const xT = transposeInfo(backend, cropped, [3, 1, 2, 0]);
    const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]);
    const dWT = runShipped(
      backend,
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]],
        dataFormat: 'NHWC',
      },
    );
    const dW = transposeInfo(backend, dWT, [1, 2, 0, 3]);
    release(backend, xT, dyT, dWT);
    if (cropped !== x) release(backend, cropped);
    return dW;
  },
};

