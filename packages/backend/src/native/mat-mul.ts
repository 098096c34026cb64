import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, sizeOf, type MgdlKernel } from '../wasm/wasm-kernel.js';
import type { OneDnn } from './onednn.js';
import { DNNL_STATUS } from './dnnl-api.js';

/** sgemm's op(A) / op(B) codes. */
export const NO_TRANSPOSE = 'N'.charCodeAt(0);
export const TRANSPOSE = 'T'.charCodeAt(0);

/** A product oneDNN can run: every operand float32, batches equal or one side a single matrix. */
interface Plan {
  m: number;
  n: number;
  k: number;
  batch: number;
  aBatched: boolean;
  bBatched: boolean;
  outShape: number[];
}

function plan(a: TensorInfo, b: TensorInfo, attrs: NamedAttrMap): Plan | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [m, k] = attrs['transposeA'] ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = attrs['transposeB'] ? [bCols, bRows] : [bRows, bCols];
  if (k !== kB || m === 0 || n === 0 || k === 0) return undefined;
  const aBatch = sizeOf(a.shape.slice(0, -2));
  const bBatch = sizeOf(b.shape.slice(0, -2));
  const batchShape = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(batchShape);
  // Each operand either has every batch (laid out as the output's) or is one matrix used for all;
  // mixed broadcasts ([2,1] against [1,3]) go to the wasm kernel.
  if ((aBatch !== batch && aBatch !== 1) || (bBatch !== batch && bBatch !== 1)) return undefined;
  return { m, n, k, batch, aBatched: aBatch > 1, bBatched: bBatch > 1, outShape: [...batchShape, m, n] };
}

/** Activations applied on the output in place; others (prelu, leakyrelu, elu, …) use the wasm kernel. */
const ACTIVATIONS = new Set([undefined, 'linear', 'relu']);

/**
 * BatchMatMul / _FusedMatMul through oneDNN's sgemm on the wasm heap itself: the operands and the
 * output are views of the backend's WebAssembly.Memory, so nothing is copied. The bias is written
 * into the output first and the product added to it (beta = 1). Unsupported cases run `fallback`.
 */
export function nativeMatMul(kernelName: 'BatchMatMul' | '_FusedMatMul', onednn: OneDnn, fallback: MgdlKernel): MgdlKernel {
  return {
    kernelName,
    why: 'native',
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args;
      const a = inputs['a'] as TensorInfo;
      const b = inputs['b'] as TensorInfo;
      const bias = inputs['bias'] as TensorInfo | undefined;
      const activation = attrs['activation'] as string | undefined;
      const p = plan(a, b, attrs);
      const fused = kernelName === '_FusedMatMul';
      const supported =
        p !== undefined &&
        (!fused || (ACTIVATIONS.has(activation) && !inputs['preluActivationWeights'] && (!bias || isRowBias(bias, p.n) || isBatchBias(bias, p))));
      if (!supported) return fallback.kernelFunc(args);
      return multiply(backend, onednn, a, b, attrs, p, fused ? bias : undefined, fused && activation === 'relu');
    },
  };
}

/** A bias that adds the same N values to every row: shape [N] or [1, …, 1, N]. */
const isRowBias = (bias: TensorInfo, n: number): boolean =>
  bias.dtype === 'float32' && bias.shape.at(-1) === n && sizeOf(bias.shape) === n;

/** A bias of one row per batch: shape [batch…, 1, N] (an ensemble's stacked biases). */
const isBatchBias = (bias: TensorInfo, p: Plan): boolean =>
  bias.dtype === 'float32' && bias.shape.length === p.outShape.length && bias.shape.at(-1) === p.n && bias.shape.at(-2) === 1 && sizeOf(bias.shape) === p.batch * p.n;

function multiply(
  backend: BackendWasm,
  onednn: OneDnn,
  a: TensorInfo,
  b: TensorInfo,
  attrs: NamedAttrMap,
  p: Plan,
  bias: TensorInfo | undefined,
  relu: boolean,
): TensorInfo {
  const out = backend.makeOutput(p.outShape, 'float32');
  // Views only after makeOutput: allocating may grow the heap and detach earlier views.
  const aHeap = heapF32(backend, a);
  const bHeap = heapF32(backend, b);
  const outHeap = heapF32(backend, out);
  const transA = attrs['transposeA'] ? TRANSPOSE : NO_TRANSPOSE;
  const transB = attrs['transposeB'] ? TRANSPOSE : NO_TRANSPOSE;
  const { m, n, k } = p;
  const lda = attrs['transposeA'] ? m : k;
  const ldb = attrs['transposeB'] ? k : n;
  if (bias) fillBias(outHeap, heapF32(backend, bias), m, n);
  const beta = bias ? 1 : 0;
  if (!p.bBatched && !attrs['transposeA']) {
    // Every batch of A times one B is a single product with batch·m rows (A's batches are contiguous).
    checkSgemm(onednn.sgemm(transA, transB, p.batch * m, n, k, 1, aHeap, lda, bHeap, ldb, beta, outHeap, n));
  } else {
    for (let i = 0; i < p.batch; i++) {
      const aView = p.aBatched ? aHeap.subarray(i * m * k, (i + 1) * m * k) : aHeap;
      const bView = p.bBatched ? bHeap.subarray(i * k * n, (i + 1) * k * n) : bHeap;
      checkSgemm(onednn.sgemm(transA, transB, m, n, k, 1, aView, lda, bView, ldb, beta, outHeap.subarray(i * m * n, (i + 1) * m * n), n));
    }
  }
  if (relu) reluInPlace(outHeap);
  return out;
}

/** Writes the bias into every row of `out` before the product is added to it: one row for all, or batch i's row into batch i's m rows. */
function fillBias(out: Float32Array, bias: Float32Array, m: number, n: number): void {
  for (let offset = 0, row = 0; offset < out.length; offset += n, row++) out.set(bias.length === n ? bias : bias.subarray(Math.floor(row / m) * n, (Math.floor(row / m) + 1) * n), offset);
}

/** Writes `row` into every row of `out` (the bias, before the product is added to it). */
export function fillRows(out: Float32Array, row: Float32Array, n: number): void {
  for (let offset = 0; offset < out.length; offset += n) out.set(row, offset);
}

export function reluInPlace(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) if ((values[i] as number) < 0) values[i] = 0;
}

export function checkSgemm(status: number): void {
  if (status !== 0) {
    throw new Error(`mgdl native matMul: oneDNN's dnnl_sgemm returned ${DNNL_STATUS[status] ?? status}; set MGDL_NATIVE=0 to use the wasm kernels and report this shape`);
  }
}
