import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapFloats, heapScratch } from './module.js';

/**
 * Per-channel sums over NHWC rows with the SIMD block loops (see channel-loops): float32 lanes over
 * chunks of CHUNK blocks, folded into float64 per channel between chunks, so long reductions keep
 * float64-like accuracy.
 */
const CHUNK = 256;

export interface Layout {
  channels: number;
  rows: number;
  /** Floats per block (4 rows). */
  width: number;
  blocks: number;
}

export const layoutOf = (x: TensorInfo): Layout => {
  const channels = x.shape[x.shape.length - 1]!;
  const rows = x.shape.reduce((a, b) => a * b, 1) / channels;
  return { channels, rows, width: 4 * channels, blocks: Math.floor(rows / 4) };
};

/**
 * Runs `reduce` over every whole block in chunks and returns the two per-channel float64 sums;
 * `tail(row, c)` adds the rows after the last block. Scratch: [pivot | acc1 | acc2], width each.
 */
export function channelSums(
  backend: BackendWasm,
  { channels, rows, width, blocks }: Layout,
  pivotOf: (c: number) => number,
  reduce: (start: number, pivot: number, acc1: number, acc2: number, count: number) => void,
  tail: (row: number, c: number) => [number, number],
): [Float64Array, Float64Array] {
  const scratch = heapScratch(backend, 3 * width);
  const [pivotPtr, acc1Ptr, acc2Ptr] = [0, 1, 2].map((i) => scratch.ptr + i * width * 4) as [number, number, number];
  const s1 = new Float64Array(channels);
  const s2 = new Float64Array(channels);
  try {
    const pivot = heapFloats(backend, pivotPtr, width);
    for (let j = 0; j < width; j++) pivot[j] = pivotOf(j % channels);
    for (let start = 0; start < blocks; start += CHUNK) {
      const acc = heapFloats(backend, acc1Ptr, 2 * width);
      acc.fill(0);
      reduce(start, pivotPtr, acc1Ptr, acc2Ptr, Math.min(CHUNK, blocks - start));
      for (let j = 0; j < width; j++) {
        s1[j % channels]! += acc[j]!;
        s2[j % channels]! += acc[width + j]!;
      }
    }
  } finally {
    scratch.free();
  }
  for (let row = 4 * blocks; row < rows; row++) {
    for (let c = 0; c < channels; c++) {
      const [a, b] = tail(row, c);
      s1[c]! += a;
      s2[c]! += b;
    }
  }
  return [s1, s2];
}
