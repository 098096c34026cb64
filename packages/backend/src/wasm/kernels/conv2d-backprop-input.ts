import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cropSpatial, heapF32, makeZeros, release, runShipped, transposeInfo, type MgdlKernel } from '../wasm-kernel.js';
import { convInfoFromAttrs } from './conv-info.js';
import { conv2DSimd } from './conv-simd.js';
import { simdKernels } from '../simd/module.js';

/**
 * dX is the full convolution of dY (zero-dilated by the stride) with the filter rotated 180° and its
 * channel axes swapped. Running that through a conv (mgdl's SIMD tile where it applies, else
 * XNNPACK's) replaces tfjs-wasm's scalar loop.
 */
export const conv2DBackpropInput: MgdlKernel = {
  kernelName: 'Conv2DBackpropInput',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const dy = inputs['dy'] as TensorInfo;
    const filter = inputs['filter'] as TensorInfo;
    const inputShape = attrs['inputShape'] as number[];
    const info = convInfoFromAttrs('Conv2DBackpropInput', inputShape, filter.shape, attrs);
    const spanH = (info.filterHeight - 1) * info.dilationHeight + 1;
    const spanW = (info.filterWidth - 1) * info.dilationWidth + 1;
    const dilatedH = (info.outHeight - 1) * info.strideHeight + 1;
    const dilatedW = (info.outWidth - 1) * info.strideWidth + 1;
    const top = spanH - 1 - info.padInfo.top;
    const left = spanW - 1 - info.padInfo.left;
    const bottom = info.inHeight - 1 + spanH - dilatedH - top;
    const right = info.inWidth - 1 + spanW - dilatedW - left;
    // Forward padding wider than the filter span makes these negative: the full convolution then
    // starts inside dy, i.e. those rows and columns of dy are cropped.
    const dilated = dilateByStride(backend, dy, info.strideHeight, info.strideWidth);
    const spread = cropSpatial(backend, dilated, [Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right)]);
    if (dilated !== dy && dilated !== spread) release(backend, dilated);
    const reversed = runShipped(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const flipped = transposeInfo(backend, reversed, [0, 1, 3, 2]);
    const [padTop, padBottom, padLeft, padRight] = [top, bottom, left, right].map((p) => Math.max(0, p)) as [number, number, number, number];
    const simd = info.dilationHeight === 1 && info.dilationWidth === 1 ? simdKernels(backend) : undefined;
    const dx =
      (simd && conv2DSimd(simd, backend, spread, flipped, undefined, [padTop, padBottom, padLeft, padRight])) ||
      runShipped(
        backend,
        'Conv2D',
        { x: spread, filter: flipped },
        {
          strides: [1, 1],
          dilations: [info.dilationHeight, info.dilationWidth],
          pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
          dataFormat: 'NHWC',
        },
      );
    release(backend, reversed, flipped);
    if (spread !== dy) release(backend, spread);
    return dx;
  },
};

function dilateByStride(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const h = (oh - 1) * sh + 1;
  const w = (ow - 1) * sw + 1;
  const out = makeZeros(backend, [n, h, w, c]);
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const from = ((b * oh + y) * ow + x) * c;
        dst.set(src.subarray(from, from + c), ((b * h + y * sh) * w + x * sw) * c);
      }
    }
  }
  return out;
}
