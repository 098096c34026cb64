import type { TensorInfo } from '@tensorflow/tfjs-core';
import { DENSE, DENSE_GRAD, type DenseAttrs } from '../ops/dense.js';
import { heapF32, type MgdlKernel } from '../wasm/wasm-kernel.js';
import { sum } from '../wasm/kernels/sum.js';
import type { OneDnn } from './onednn.js';
import { checkSgemm, fillRows, NO_TRANSPOSE, reluInPlace, TRANSPOSE } from './mat-mul.js';

/**
 * The dense layer's kernels (src/ops/dense.ts) in oneDNN's sgemm on the wasm heap: forward
 * act(x·W + b) in one product; backward dW = xᵀ·g in one product and db as the column sums of
 * g = dy·act′(y) (computed once here, and returned for dx = g·Wᵀ). db is summed by mgdl's SIMD Sum
 * kernel, as the bias gradient of tf.fused.matMul is: a dense layer then gives the very numbers of
 * the tfjs route, so a seed trained alone equals the same seed trained in an ensemble.
 */
export function nativeDenseKernels(onednn: OneDnn): MgdlKernel[] {
  const forward: MgdlKernel = {
    kernelName: DENSE,
    why: 'native',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { activation } = attrs as unknown as DenseAttrs;
      const [x, w, bias] = [inputs['x'], inputs['w'], inputs['bias']] as [TensorInfo, TensorInfo, TensorInfo | undefined];
      const [batch, k] = x.shape as [number, number];
      const n = w.shape[1] as number;
      const out = backend.makeOutput([batch, n], 'float32');
      // Views only after makeOutput: allocating may grow the heap and detach earlier views.
      const y = heapF32(backend, out);
      if (bias) fillRows(y, heapF32(backend, bias), n);
      checkSgemm(onednn.sgemm(NO_TRANSPOSE, NO_TRANSPOSE, batch, n, k, 1, heapF32(backend, x), k, heapF32(backend, w), n, bias ? 1 : 0, y, n));
      if (activation === 'relu') reluInPlace(y);
      else if (activation === 'tanh') tanhInPlace(y);
      return out;
    },
  };

  const backward: MgdlKernel = {
    kernelName: DENSE_GRAD,
    why: 'native',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { activation, hasBias } = attrs as unknown as DenseAttrs;
      const [x, dy, y] = [inputs['x'], inputs['dy'], inputs['y']] as [TensorInfo, TensorInfo, TensorInfo];
      const [batch, k] = x.shape as [number, number];
      const n = dy.shape[1] as number;
      const dW = backend.makeOutput([k, n], 'float32');
      const activated = activation === 'linear' ? undefined : { activation, info: backend.makeOutput([batch, n], 'float32') };
      let g = heapF32(backend, dy);
      if (activated) {
        const out = heapF32(backend, activated.info);
        activationGradient(activated.activation, g, heapF32(backend, y), out);
        g = out;
      }
      checkSgemm(onednn.sgemm(TRANSPOSE, NO_TRANSPOSE, k, n, batch, 1, heapF32(backend, x), k, g, n, 0, heapF32(backend, dW), n));
      const db = hasBias ? (sum.kernelFunc({ inputs: { x: activated?.info ?? dy }, attrs: { axis: [0], keepDims: false }, backend }) as TensorInfo) : undefined;
      return [dW, ...(db ? [db] : []), ...(activated ? [activated.info] : [])];
    },
  };

  return [forward, backward];
}

function tanhInPlace(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i] as number);
}

/**
 * dy·act′ from the activation's output, with tfjs's float32 roundings: relu's step(y) (0 at y = 0),
 * tanh's (1 − y²)·dy.
 */
function activationGradient(activation: 'relu' | 'tanh', dy: Float32Array, y: Float32Array, out: Float32Array): void {
  const f = Math.fround;
  if (activation === 'relu') {
    for (let i = 0; i < dy.length; i++) out[i] = (y[i] as number) > 0 ? (dy[i] as number) : 0;
    return;
  }
  for (let i = 0; i < dy.length; i++) {
    const yi = y[i] as number;
    out[i] = f(1 - f(yi * yi)) * (dy[i] as number);
  }
}
