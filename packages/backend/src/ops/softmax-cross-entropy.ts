import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { jsKernelRegistrar, kernelIO, labelsOf, type KernelArgs } from './kernel-io.js';

/**
 * Per-sample softmax cross-entropy, −log softmax(logits)[label], as one kernel; its gradient,
 * dy·(softmax(logits) − onehot(label)), as one more. tfjs's ops take ~12 kernel calls forward
 * (cast, oneHot, logSoftmax's max, sub, exp, sum, log, sub, mul, sum, neg) and ~12 backward per
 * step. Inputs: logits [batch, classes] float32, labels [batch] (class indices, int32 or float32).
 * A label outside [0, classes) gets loss 0 and gradient dy·softmax, as tfjs's oneHot (all zeros) gives.
 * @mgdl/kernel's softmax cross-entropy calls it by this name when the backend has it.
 */
export const SOFTMAX_CROSS_ENTROPY = 'MgdlSoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'MgdlSoftmaxCrossEntropyGrad';


/**
 * Per row: the maximum, and log Σ exp(z − max), in float64 (tfjs sums float32 terms: the two
 * differ by a few float32 ulps of the loss).
 */
function rowLogSumExp(z: Float32Array, from: number, classes: number): [number, number] {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, z[from + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(z[from + c]! - max);
  return [max, Math.log(sum)];
}

function forward({ inputs, backend }: KernelArgs): TensorInfo {
  const logits = inputs['logits']!;
  const [batch, classes] = logits.shape as [number, number];
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([[batch]]);
  const labels = labelsOf(backend, inputs['labels']!);
  const z = io.read(logits);
  const [loss] = data() as [Float32Array];
  for (let b = 0; b < batch; b++) {
    const from = b * classes;
    const [max, logSum] = rowLogSumExp(z, from, classes);
    const label = Math.trunc(labels[b]!);
    loss[b] = label >= 0 && label < classes ? max + logSum - z[from + label]! : 0;
  }
  return infos[0]!;
}

function backward({ inputs, backend }: KernelArgs): TensorInfo {
  const logits = inputs['logits']!;
  const [batch, classes] = logits.shape as [number, number];
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([[batch, classes]]);
  const labels = labelsOf(backend, inputs['labels']!);
  const z = io.read(logits);
  const dy = io.read(inputs['dy']!);
  const [dz] = data() as [Float32Array];
  for (let b = 0; b < batch; b++) {
    const from = b * classes;
    const [max, logSum] = rowLogSumExp(z, from, classes);
    const g = dy[b]!;
    for (let c = 0; c < classes; c++) dz[from + c] = g * Math.exp(z[from + c]! - max - logSum);
    const label = Math.trunc(labels[b]!);
    if (label >= 0 && label < classes) dz[from + label] = g * (Math.exp(z[from + label]! - max - logSum) - 1);
  }
  return infos[0]!;
}

const gradient: tf.GradConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, saved) => {
    const [logits, labels] = saved as [tf.Tensor, tf.Tensor];
    return {
      logits: () => tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, logits, labels }) as tf.Tensor,
      // Labels are data; a gradient path through them (a computed label) gets zeros, as through oneHot.
      labels: () => tf.zerosLike(labels),
    };
  },
};

/** Registers the kernels on wasm and cpu (the backends whose memory JS can touch) and the gradient. */
export const registerSoftmaxCrossEntropyKernels = jsKernelRegistrar({ [SOFTMAX_CROSS_ENTROPY]: forward, [SOFTMAX_CROSS_ENTROPY_GRAD]: backward }, gradient);
