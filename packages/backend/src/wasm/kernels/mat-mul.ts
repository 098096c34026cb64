import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runShipped, transposeInfo, type MgdlKernel } from '../wasm-kernel.js';

/**
 * tfjs-wasm multiplies a transposed operand in a scalar loop (every backward pass has one); an
 * explicit transpose followed by the XNNPACK product is many times faster.
 */
function untransposed(kernelName: 'BatchMatMul' | '_FusedMatMul'): MgdlKernel {
  return {
    kernelName,
    why: 'faster',
    kernelFunc: ({ inputs, attrs, backend }) => {
      if (!attrs['transposeA'] && !attrs['transposeB']) return runShipped(backend, kernelName, inputs, attrs);
      const a = inputs['a'] as TensorInfo;
      const b = inputs['b'] as TensorInfo;
      const a2 = attrs['transposeA'] ? swapLastTwo(backend, a) : a;
      const b2 = attrs['transposeB'] ? swapLastTwo(backend, b) : b;
      const out = runShipped(backend, kernelName, { ...inputs, a: a2, b: b2 }, { ...attrs, transposeA: false, transposeB: false });
      if (a2 !== a) release(backend, a2);
      if (b2 !== b) release(backend, b2);
      return out;
    },
  };
}

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeInfo(backend, x, perm);
}

export const batchMatMul = untransposed('BatchMatMul');
export const fusedMatMul = untransposed('_FusedMatMul');
