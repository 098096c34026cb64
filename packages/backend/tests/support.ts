/**
 * Shared helpers for the backend tests: a seeded PRNG, running one computation on the `cpu` and
 * `wasm` backends of the same process, float32-aware comparison and tensor-leak checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients (the tfjs union package and tfjs-layers import these).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { expect } from 'vitest';
import { initBackend, type BackendOptions, type BackendReport } from '../src/index.js';

export type BackendKind = 'cpu' | 'wasm';
export type Shape4 = [number, number, number, number];

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same cases on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  bool(): boolean {
    return this.next() < 0.5;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `n` floats uniform in [lo, hi). */
  floats(n: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }

  ints(n: number, lo: number, hi: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(lo, hi);
    return out;
  }

  /** A random permutation of 0..n-1 as float32: distinct values, so max-pooling has no ties. */
  permutation(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = out[i] as number;
      out[i] = out[j] as number;
      out[j] = t;
    }
    return out;
  }
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Starts the wasm backend (1 thread) with mgdl's wasm kernels only (oneDNN's turned off); once per
 * test file (process). The native test files use setupBackendsWithNative(true).
 */
export const setupBackends = (): Promise<BackendReport> => setupBackendsWithNative(false);

/** setupBackends with `native` as in BackendOptions (true: oneDNN required, false: wasm kernels only). */
export async function setupBackendsWithNative(native: BackendOptions['native']): Promise<BackendReport> {
  const report = await initBackend({ backend: 'wasm', threads: 1, native });
  if (tf.getBackend() !== 'wasm') throw new Error(`expected the wasm backend, got ${tf.getBackend()}`);
  return report;
}

export interface Result {
  shape: number[];
  dtype: tf.DataType;
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Runs `build` on one backend inside `tf.tidy` and returns its outputs as plain arrays. Inputs are
 * made inside `build` from plain arrays, so each backend gets its own copy.
 */
export async function runOn(backend: BackendKind, build: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const out = tf.tidy(build);
  const list = Array.isArray(out) ? out : [out];
  const results = list.map((t) => ({
    shape: [...t.shape],
    dtype: t.dtype,
    values: t.dataSync() as Float32Array | Int32Array | Uint8Array,
  }));
  tf.dispose(list);
  return results;
}

export interface Tolerance {
  /** Allowed |actual − expected| is rtol · max(scale, |expected|). */
  rtol?: number;
  /** The magnitude below which the error bound stops shrinking (e.g. √terms of a reduction). */
  scale?: number;
}

/** Element-wise float32 comparison; fails with the first mismatches and their indices. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-4, scale = 1 }: Tolerance = {},
  label = 'values',
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const mismatches: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const bound = rtol * Math.max(scale, Math.abs(b));
    const ok = Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= bound;
    if (!ok) {
      count++;
      if (mismatches.length < 5) mismatches.push(`[${i}] got ${a}, want ${b} (|Δ| ${Math.abs(a - b)} > ${bound})`);
    }
  }
  expect(count === 0 ? [] : [`${count}/${expected.length} differ`, ...mismatches], label).toEqual([]);
}

/** Compares two runs output by output: same shapes, values within tolerance. */
export function expectSameResults(actual: Result[], expected: Result[], tolerance: Tolerance = {}, label = ''): void {
  expect(actual.length, `${label} number of outputs`).toBe(expected.length);
  actual.forEach((a, i) => {
    const b = expected[i] as Result;
    expect(a.shape, `${label} output ${i} shape`).toEqual(b.shape);
    expectClose(a.values, b.values, tolerance, `${label} output ${i}`);
  });
}

/** Runs `build` on wasm and on cpu (`reference`, by default the same function) and compares. */
export async function expectWasmMatchesCpu(
  build: () => tf.Tensor | tf.Tensor[],
  tolerance: Tolerance = {},
  reference: () => tf.Tensor | tf.Tensor[] = build,
): Promise<Result[]> {
  const expected = await runOn('cpu', reference);
  const actual = await runOn('wasm', build);
  expectSameResults(actual, expected, tolerance, 'wasm vs cpu:');
  return actual;
}

export const maxAbs = (values: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] as number));
  return m;
};

/**
 * Runs `run` inside `tf.tidy` on `backend` and expects the engine's tensor count and the backend's
 * data-id count to be back where they were (no leaked intermediates). `run` must produce at least
 * one tensor, so the check cannot pass by doing nothing.
 */
export async function expectNoLeak(
  backend: BackendKind,
  makeInputs: () => tf.Tensor[],
  run: (inputs: tf.Tensor[]) => unknown,
): Promise<void> {
  await tf.setBackend(backend);
  const inputs = makeInputs();
  const engineBackend = tf.engine().backend;
  const tensorsBefore = tf.memory().numTensors;
  const idsBefore = engineBackend.numDataIds();
  let produced = 0;
  tf.tidy(() => {
    run(inputs);
    produced = tf.memory().numTensors - tensorsBefore;
  });
  expect(produced, 'the computation made no tensors').toBeGreaterThan(0);
  expect(tf.memory().numTensors, 'engine tensors').toBe(tensorsBefore);
  expect(engineBackend.numDataIds(), `${backend} data ids`).toBe(idsBefore);
  tf.dispose(inputs);
}

export type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

/** NHWC explicit padding: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export const explicitPad = (top: number, bottom: number, left: number, right: number): Pad => [
  [0, 0],
  [top, bottom],
  [left, right],
  [0, 0],
];

export const padName = (pad: Pad): string => (typeof pad === 'string' ? pad : JSON.stringify(pad));
