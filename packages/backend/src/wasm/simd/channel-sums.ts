import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { heapFloats, heapScratch, type SimdKernels } from './module.js';
import { CallList } from './call-list.js';

/**
 * Per-channel sums over NHWC rows with the SIMD block loops (see channel-loops): float32 lanes over
 * chunks of CHUNK blocks, folded into float64 per channel afterwards, so long reductions keep
 * float64-like accuracy. Each chunk has its own accumulators (1/128 of the data's size), so
 * threads can take chunks in any order and the result does not depend on the thread count.
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

/** One chunk of a reduction: `blocks` blocks from block `start`, and its byte pointers. */
export interface SumChunk {
  start: number;
  blocks: number;
  pivot: number;
  acc1: number;
  acc2: number;
}

/**
 * Runs `reduce` over every whole block, a chunk per task, and returns the two per-channel float64
 * sums; `tail(row, c)` adds the rows after the last block. Scratch: pivot, then per chunk acc1 | acc2.
 */
export function channelSums(
  backend: BackendWasm,
  simd: SimdKernels,
  { channels, rows, width, blocks }: Layout,
  pivotOf: (c: number) => number,
  reduce: (list: CallList, chunk: SumChunk) => void,
  tail: (row: number, c: number) => [number, number],
): [Float64Array, Float64Array] {
  const chunks = Math.ceil(blocks / CHUNK);
  const scratch = heapScratch(backend, (1 + 2 * chunks) * width);
  const pivotPtr = scratch.ptr;
  const accPtr = (chunk: number, which: number) => scratch.ptr + (1 + 2 * chunk + which) * width * 4;
  const s1 = new Float64Array(channels);
  const s2 = new Float64Array(channels);
  try {
    const pivot = heapFloats(backend, pivotPtr, width);
    for (let j = 0; j < width; j++) pivot[j] = pivotOf(j % channels);
    heapFloats(backend, accPtr(0, 0), 2 * chunks * width).fill(0);
    const list = new CallList();
    for (let chunk = 0; chunk < chunks; chunk++) {
      const start = chunk * CHUNK;
      reduce(list, { start, blocks: Math.min(CHUNK, blocks - start), pivot: pivotPtr, acc1: accPtr(chunk, 0), acc2: accPtr(chunk, 1) });
      list.endTask();
    }
    simd.team.run(list);
    const acc = heapFloats(backend, accPtr(0, 0), 2 * chunks * width);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const base = 2 * chunk * width;
      for (let j = 0; j < width; j++) {
        s1[j % channels]! += acc[base + j]!;
        s2[j % channels]! += acc[base + width + j]!;
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

/** Calls `add(start, count)` for CHUNK-block pieces of [0, blocks), one task each. */
export function blockTasks(blocks: number, add: (list: CallList, start: number, count: number) => void): CallList {
  const list = new CallList();
  for (let start = 0; start < blocks; start += CHUNK) {
    add(list, start, Math.min(CHUNK, blocks - start));
    list.endTask();
  }
  return list;
}
