import * as tf from '@tensorflow/tfjs-core';

/**
 * A dense layer, act(x·W + b), as one forward kernel and one backward kernel (plus one product for
 * dx when x needs a gradient). tfjs's fused.matMul takes ~4 kernel calls forward and ~10 backward
 * per layer (reshapes, step, mul, two products, sum, and the copies it saves for the tape); on the
 * small nets that dispatch, not arithmetic, is most of a step. Registered only with oneDNN (src/native).
 */
export const DENSE = 'MgdlDense';
/** Outputs [dW, db (when the layer has a bias), dy·act′(y) (when the activation is not linear)]. */
export const DENSE_GRAD = 'MgdlDenseGrad';

export const denseActivations = ['linear', 'relu', 'tanh'] as const;
export type DenseActivation = (typeof denseActivations)[number];

export interface DenseAttrs {
  activation: DenseActivation;
  hasBias: boolean;
}

/**
 * Whether `dense` runs fused here: the current backend has the kernel (wasm with oneDNN), x is a
 * float32 matrix and the activation is one the kernel applies. Otherwise use tfjs's ops.
 */
export function canRunDense(x: tf.Tensor, activation: string): activation is DenseActivation {
  return x.rank === 2 && x.size > 0 && x.dtype === 'float32' && (denseActivations as readonly string[]).includes(activation) && tf.getKernel(DENSE, tf.getBackend()) !== undefined;
}

/** act(x·kernel + bias) for x [batch, in], kernel [in, out], bias [out]; check canRunDense first. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined, activation: DenseActivation): tf.Tensor2D {
  registerDenseGradient();
  const attrs: DenseAttrs = { activation, hasBias: bias !== undefined };
  const inputs: tf.NamedTensorMap = bias ? { x, w: kernel, bias } : { x, w: kernel };
  return tf.engine().runKernel(DENSE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * One kernel for dW, db and the activation's gradient, run when the tape first needs this layer's
 * gradients (tensors made here, outside the per-input closures, live until the backward pass ends);
 * dx is a separate product, computed only when x needs a gradient (not for a net's first layer).
 */
const denseGradient: tf.GradConfig = {
  kernelName: DENSE,
  inputsToSave: ['x', 'w'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const { activation, hasBias } = attrs as unknown as DenseAttrs;
    const outputs = tf.engine().runKernel(DENSE_GRAD, { x, dy: dy as tf.Tensor, y }, attrs) as tf.Tensor[];
    const dW = outputs[0]!;
    const db = hasBias ? outputs[1]! : undefined;
    const dyActivated = activation === 'linear' ? (dy as tf.Tensor2D) : (outputs.at(-1) as tf.Tensor2D);
    return {
      x: () => tf.matMul(dyActivated, w, false, true),
      w: () => dW,
      ...(db ? { bias: () => db } : {}),
    };
  },
};

let registered = false;

function registerDenseGradient(): void {
  if (registered) return;
  tf.registerGradient(denseGradient);
  registered = true;
}
