import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { heapFloats, heapScratch, memoryOffset, type SimdKernels } from '../simd/module.js';
import { CallList } from '../simd/call-list.js';
import { CONV_FILTER_TILES } from '../simd/conv-filter-loops.js';

/**
 * dW[r,c,i,o] = Σ_{n,y,x} X[n, y·s + r·d − pad, x·s + c·d − pad, i] · dY[n,y,x,o], computed image by
 * image and tap by tap straight from the NHWC tensors: for each (image, tap) the output pixels whose
 * input is inside the image form one rectangle, and the SIMD GEMM tile (conv-filter-loops) sums over
 * it. One image's x and dy stay in cache across its 9 taps and all channel tiles; no transposes,
 * no padded copies. One task per image: with several threads each sums its images into its own
 * accumulators, which are added when gathered.
 *
 * Fewer than 4 output channels (mcnn w=3's first layer: its transposed-conv fallback on XNNPACK took
 * ~9 ms of a ~40 ms step) use the 4-lane tile anyway: lanes ≥ Co read the next pixel's first
 * channels and sum garbage into accumulators that `gather` never reads. The last pixel of dy reads
 * up to 12 bytes past the tensor's end, which is still heap: tfjs allocates tensors with malloc,
 * whose chunks are always followed by the next chunk's header or the top chunk.
 */
export function conv2DBackpropFilterSimd(simd: SimdKernels, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  const { inChannels: ci, outChannels: co, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const coVecs = co >= 8 ? 2 : 1;
  const coTile = 4 * coVecs;
  const ciTile = Math.min(4, ci);
  const ciBlocks = Math.ceil(ci / ciTile);
  const coBlocks = Math.ceil(co / coTile);
  const tileFloats = ciTile * coTile;
  const perTap = ciBlocks * coBlocks * tileFloats;
  const tile = CONV_FILTER_TILES[ciTile - 1]?.[coVecs - 1];
  if (!tile) return undefined;
  const threads = simd.team.size;
  const accFloats = fh * fw * perTap;
  const dW = backend.makeOutput([fh, fw, ci, co], 'float32');
  const scratch = heapScratch(backend, threads * accFloats);
  try {
    heapFloats(backend, scratch.ptr, threads * accFloats).fill(0);
    const [xPtr, dyPtr] = [x, dy].map((t) => memoryOffset(backend, t)) as [number, number];
    const { top, left } = info.padInfo;
    const list = new CallList().perThread(tile, 'acc', accFloats * 4);
    const [xRow, dyRow, xPix, dyPix] = [sh * w * ci * 4, ow * co * 4, sw * ci * 4, co * 4];
    const lastCo = Math.max(0, co - coTile) * 4;
    for (let n = 0; n < info.batchSize; n++) {
      for (let r = 0; r < fh; r++) {
        const [y0, y1] = validRange(r * dh - top, sh, h, oh);
        for (let c = 0; c < fw && y1 > y0; c++) {
          const [x0, x1] = validRange(c * dw - left, sw, w, ow);
          if (x1 <= x0) continue;
          const xAt = xPtr + ((n * h + y0 * sh + r * dh - top) * w + x0 * sw + c * dw - left) * ci * 4;
          const dyAt = dyPtr + ((n * oh + y0) * ow + x0) * co * 4;
          const accAt = scratch.ptr + (r * fw + c) * perTap * 4;
          for (let b = 0; b < ciBlocks; b++) {
            const ci0 = Math.min(b * ciTile, ci - ciTile);
            list.call(tile, { x: xAt + ci0 * 4, dy: dyAt, acc: accAt + b * coBlocks * tileFloats * 4, rows: y1 - y0, cols: x1 - x0, xRow, dyRow, xPix, dyPix, coBlocks, lastCo });
          }
        }
      }
      list.endTask();
    }
    simd.team.run(list);
    const acc = heapFloats(backend, scratch.ptr, threads * accFloats);
    gather(acc, threads, backend.typedArrayFromHeap(dW) as Float32Array, { ci, co, ciTile, coTile, ciBlocks, coBlocks });
  } finally {
    scratch.free();
  }
  return dW;
}

/** Output positions [lo, hi) whose input index o·stride + offset lies in [0, size). */
function validRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-offset / stride));
  const hi = Math.min(outSize, Math.floor((size - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Adds the threads' accumulators of each tile into its (ci, co) place in dW; overlapping tiles agree. */
function gather(acc: Float32Array, threads: number, dW: Float32Array, t: { ci: number; co: number; ciTile: number; coTile: number; ciBlocks: number; coBlocks: number }): void {
  const taps = dW.length / (t.ci * t.co);
  const stride = acc.length / threads;
  let k = 0;
  for (let tap = 0; tap < taps; tap++) {
    for (let b = 0; b < t.ciBlocks; b++) {
      const ci0 = Math.min(b * t.ciTile, t.ci - t.ciTile);
      for (let cb = 0; cb < t.coBlocks; cb++) {
        // Co < coTile: one block at 0 whose lanes past Co hold garbage (see above) and are skipped.
        const co0 = Math.max(0, Math.min(cb * t.coTile, t.co - t.coTile));
        const lanes = Math.min(t.coTile, t.co);
        for (let i = 0; i < t.ciTile; i++, k += t.coTile) {
          const row = (tap * t.ci + ci0 + i) * t.co + co0;
          for (let j = 0; j < lanes; j++) {
            let sum = acc[k + j]!;
            for (let p = 1; p < threads; p++) sum += acc[k + j + p * stride]!;
            dW[row + j] = sum;
          }
        }
      }
    }
  }
}
