import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, reshapeInfo, runShipped, type MgdlKernel } from '../wasm-kernel.js';
import { tile } from './tile.js';

/** `x` broadcast to `shape` (x itself when it has that shape); the caller releases a new one. */
function broadcastTo(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  if (util.arraysEqual(x.shape, shape)) return x;
  const padded = [...new Array<number>(shape.length - x.shape.length).fill(1), ...x.shape];
  const reshaped = reshapeInfo(backend, x, padded);
  const tiled = tile.kernelFunc({ inputs: { x: reshaped }, attrs: { reps: shape.map((d, i) => d / padded[i]!) }, backend }) as TensorInfo;
  release(backend, reshaped);
  return tiled;
}

/**
 * Equal of operands of different shapes: tfjs-wasm compares them element by element through
 * broadcast index arithmetic, 86 ms for max-pooling's gradient mask ([128, 38, 100] against
 * [128, 1, 100]: textcnn's max over time) where tiling the smaller one and comparing equal shapes
 * takes 2 + 4 ms. Same-shape and string comparisons stay on tfjs-wasm's kernel.
 */
export const equal: MgdlKernel = {
  kernelName: 'Equal',
  why: 'faster',
  kernelFunc: ({ inputs, backend }) => {
    const [a, b] = [inputs['a'] as TensorInfo, inputs['b'] as TensorInfo];
    if (util.arraysEqual(a.shape, b.shape) || a.dtype === 'string') return runShipped(backend, 'Equal', inputs);
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const [a2, b2] = [broadcastTo(backend, a, shape), broadcastTo(backend, b, shape)];
    const out = runShipped(backend, 'Equal', { a: a2, b: b2 });
    release(backend, ...[a2, b2].filter((info, i) => info !== [a, b][i]));
    return out;
  },
};
