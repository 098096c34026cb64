import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, runShipped, sizeOf, transposeInfo, type MgdlKernel } from '../wasm-kernel.js';

/**
 * tfjs-wasm multiplies a transposed operand in a scalar loop (every backward pass has one); an
 * explicit transpose followed by the XNNPACK product is many times faster.
 */
function untransposed(kernelName: 'BatchMatMul' | '_FusedMatMul'): MgdlKernel {
  return {
    kernelName,
    why: 'faster',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = inputs['a'] as TensorInfo;
      const b = inputs['b'] as TensorInfo;
      const a2 = attrs['transposeA'] ? swapLastTwo(backend, a) : a;
      const b2 = attrs['transposeB'] ? swapLastTwo(backend, b) : b;
      const plain = { ...attrs, transposeA: false, transposeB: false };
      const out =
        kernelName === '_FusedMatMul' && inputs['bias'] && batchOf(a2, b2) > 1
          ? biasThenActivate(backend, runShipped(backend, 'BatchMatMul', { a: a2, b: b2 }, plain), inputs, attrs)
          : runShipped(backend, kernelName, { ...inputs, a: a2, b: b2 }, plain);
      if (a2 !== a) release(backend, a2);
      if (b2 !== b) release(backend, b2);
      return out;
    },
  };
}

const batchOf = (a: TensorInfo, b: TensorInfo): number =>
  Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));

/** tfjs-wasm 4.22's fused kernel adds the bias to the first row of each batch only; do it by hand. */
function biasThenActivate(backend: BackendWasm, product: TensorInfo, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const biased = runShipped(backend, 'Add', { a: product, b: inputs['bias'] as TensorInfo });
  release(backend, product);
  const activation = attrs['activation'] as string | undefined;
  if (!activation || activation === 'linear') return biased;
  const activated =
    activation === 'prelu'
      ? runShipped(backend, 'Prelu', { x: biased, alpha: inputs['preluActivationWeights'] as TensorInfo })
      : runShipped(backend, ACTIVATION_KERNELS[activation] ?? unknownActivation(activation), { x: biased }, { alpha: attrs['leakyreluAlpha'] as number });
  release(backend, biased);
  return activated;
}

const ACTIVATION_KERNELS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu' };
const unknownActivation = (name: string): never => {
  throw new Error(`mgdl wasm _FusedMatMul: unknown activation '${name}'`);
};

function swapLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeInfo(backend, x, perm);
}

export const batchMatMul = untransposed('BatchMatMul');
export const fusedMatMul = untransposed('_FusedMatMul');
