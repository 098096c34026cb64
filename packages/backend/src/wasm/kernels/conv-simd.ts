import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapFloats, heapScratch, memoryOffset, type SimdKernels } from '../simd/module.js';
import { CallList } from '../simd/call-list.js';
import { CONV_TILES, NARROW_CONV_TILES } from '../simd/conv-loops.js';
import { release, runShipped } from '../wasm-kernel.js';

/**
 * y = conv(x, filter) + bias for stride 1 and dilation 1, NHWC / HWIO, with [top, bottom, left,
 * right] zero padding (≥ 0): pads x once (tfjs-wasm's PadV2), then runs the SIMD conv tile
 * (conv-loops) image by image, one task per image. Returns undefined where it does not pay: the
 * caller's XNNPACK path.
 * - 4+ output channels: needs 4+ input channels (XNNPACK measured 15–25% faster on a 3-channel
 *   first layer) and MIN_IMAGE_FLOPS per image (mcnn w=3's 6→12 and 12→24 layers ran 30–50%
 *   slower than XNNPACK at 2 threads).
 * - 1–3 output channels (mcnn w=3's 6→3 input gradient): the narrow tile whenever there are 4+
 *   input channels. XNNPACK took 3.3–11 ms (bimodal from run to run) for that 42 MFLOP layer, the
 *   narrow tile a steady ~3.3 ms at 1 thread, and it runs on the team at 2. With 3 input channels
 *   (3→3) it was ~40% slower than XNNPACK: those stay there.
 */
const MIN_IMAGE_FLOPS = 1e6;

export function conv2DSimd(
  simd: SimdKernels,
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  [top, bottom, left, right]: [number, number, number, number],
): TensorInfo | undefined {
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [fh, fw, , co] = filter.shape as [number, number, number, number];
  const [ph, pw] = [h + top + bottom, w + left + right];
  const [oh, ow] = [ph - fh + 1, pw - fw + 1];
  if (oh <= 0 || ow <= 0 || (bias && bias.shape.join() !== String(co))) return undefined;
  const narrow = co < 4;
  if (ci < 4 || (!narrow && 2 * oh * ow * fh * fw * ci * co < MIN_IMAGE_FLOPS)) return undefined;
  const pixels = Math.min(4, ow);
  const coVecs = co >= 8 ? 2 : 1;
  const tile = narrow ? NARROW_CONV_TILES[pixels - 1]?.[co - 1] : CONV_TILES[pixels - 1]?.[coVecs - 1];
  if (!tile) return undefined;
  // The narrow tile reads filter rows and bias as whole vectors: both zero-padded to 4 channels.
  const wide = Math.max(4, co);
  const wideFilter = narrow ? runShipped(backend, 'PadV2', { x: filter }, { paddings: [[0, 0], [0, 0], [0, 0], [0, wide - co]], constantValue: 0 }) : filter;
  const padded = top + bottom + left + right > 0 ? runShipped(backend, 'PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
  const y = backend.makeOutput([n, oh, ow, co], 'float32');
  const biasScratch = bias && !narrow ? undefined : heapScratch(backend, wide);
  try {
    if (biasScratch) {
      const view = heapFloats(backend, biasScratch.ptr, wide).fill(0);
      if (bias) view.set(backend.typedArrayFromHeap(bias) as Float32Array);
    }
    const [xPtr, wPtr, yPtr] = [padded, wideFilter, y].map((t) => memoryOffset(backend, t)) as [number, number, number];
    const biasPtr = biasScratch ? biasScratch.ptr : memoryOffset(backend, bias!);
    const coBlocks = Math.ceil(co / (4 * coVecs));
    const lastCo = Math.max(0, co - 4 * coVecs) * 4;
    const [xRow, yRow, ciBytes, coBytes] = [pw * ci * 4, ow * co * 4, ci * 4, co * 4];
    const list = new CallList();
    for (let b = 0; b < n; b++) {
      const xAt = xPtr + b * ph * pw * ci * 4;
      const yAt = yPtr + b * oh * ow * co * 4;
      list.call(tile, { x: xAt, w: wPtr, y: yAt, bias: biasPtr, rows: oh, cols: ow, fh, k: fw * ci, xRow, yRow, ciBytes, coBytes, coBlocks, lastCo }).endTask();
    }
    simd.team.run(list);
  } finally {
    biasScratch?.free();
    if (padded !== x) release(backend, padded);
    if (wideFilter !== filter) release(backend, wideFilter);
  }
  return y;
}
