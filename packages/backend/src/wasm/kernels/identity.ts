import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';

/**
 * A new reference to the same heap data, as tfjs's cpu backend does and tfjs-wasm's own Reshape:
 * tensors are immutable, so the copy tfjs-wasm makes is never needed. Identity is what tfjs runs
 * to keep a tensor for a custom gradient (mgdl's batch norm saves its input this way): shipped, it
 * copied every batch-norm input once per step (~2.5 ms of mcnn w=3's ~35 ms 1-thread step).
 */
function share(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identity: MgdlKernel = {
  kernelName: 'Identity',
  why: 'faster',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    return x.dtype === 'string' ? runShipped(backend, 'Identity', inputs) : share(backend, x);
  },
};

/** Cast to the tensor's own dtype (ReLU's gradient casts its float32 step mask) shares too. */
export const cast: MgdlKernel = {
  kernelName: 'Cast',
  why: 'faster',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    return x.dtype === attrs['dtype'] && x.dtype !== 'string' ? share(backend, x) : runShipped(backend, 'Cast', inputs, attrs);
  },
};
