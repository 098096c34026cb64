import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelIO } from './kernel-io.js';

/**
 * Batch normalisation in training mode over every axis but the last (channels), as one forward
 * kernel and one closed-form backward kernel. tfjs builds the same thing from ~20 small ops whose
 * gradients tile and reduce full-size tensors; on wasm that was half of a CNN training step.
 */
export const BATCH_NORM_TRAIN = 'MgdlBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'MgdlBatchNormTrainGrad';

export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /** Batch mean and biased batch variance per channel (for running statistics). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

const JS_BACKENDS = new Set(['wasm', 'cpu']);

export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): BatchNormTrainingResult {
  if (!JS_BACKENDS.has(tf.getBackend())) return composite(x, gamma, beta, epsilon);
  registerBatchNormKernels();
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const forward = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor, save: tf.GradSaveFunc) => {
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: input, gamma: scale, beta: offset }, { epsilon }) as tf.Tensor[];
    save([input, scale, mean!, variance!]);
    stats = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(
          BATCH_NORM_TRAIN_GRAD,
          { dy: dy as tf.Tensor, x: saved[0]!, gamma: saved[1]!, mean: saved[2]!, variance: saved[3]! },
          { epsilon },
        ) as tf.Tensor[],
    };
  };
  const y = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(x, gamma, beta);
  const [mean, variance] = stats!;
  return { y, mean, variance };
}

function composite(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainingResult {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
  // Callers use mean and variance for running statistics only, never in a loss.
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

interface Args {
  inputs: NamedTensorInfoMap;
  attrs: NamedAttrMap;
  backend: KernelBackend;
}

function forward({ inputs, attrs, backend }: Args): TensorInfo[] {
  const x = inputs['x']!;
  const channels = x.shape[x.shape.length - 1]!;
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([x.shape, [channels], [channels]]);
  const [y, mean, variance] = data() as [Float32Array, Float32Array, Float32Array];
  const xs = io.read(x);
  const gamma = io.read(inputs['gamma']!);
  const beta = io.read(inputs['beta']!);
  const rows = xs.length / channels;
  // Float64 sums: a 32×32×128 batch has 131k rows per channel.
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const v = xs[i]!;
      sum[c]! += v;
      sumSq[c]! += v * v;
    }
  }
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = sum[c]! / rows;
    const v = Math.max(0, sumSq[c]! / rows - m * m);
    mean[c] = m;
    variance[c] = v;
    scale[c] = gamma[c]! / Math.sqrt(v + (attrs['epsilon'] as number));
    shift[c] = beta[c]! - m * scale[c]!;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) y[i] = xs[i]! * scale[c]! + shift[c]!;
  }
  return infos;
}

function backward({ inputs, attrs, backend }: Args): TensorInfo[] {
  const x = inputs['x']!;
  const channels = x.shape[x.shape.length - 1]!;
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([x.shape, [channels], [channels]]);
  const [dx, dGamma, dBeta] = data() as [Float32Array, Float32Array, Float32Array];
  const xs = io.read(x);
  const dy = io.read(inputs['dy']!);
  const gamma = io.read(inputs['gamma']!);
  const mean = io.read(inputs['mean']!);
  const variance = io.read(inputs['variance']!);
  const rows = xs.length / channels;
  const invStd = new Float32Array(channels);
  for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(variance[c]! + (attrs['epsilon'] as number));
  const sumDy = new Float64Array(channels);
  const sumDyXhat = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const g = dy[i]!;
      sumDy[c]! += g;
      sumDyXhat[c]! += g * (xs[i]! - mean[c]!) * invStd[c]!;
    }
  }
  // dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)), written as dy·a + x·b + k per channel.
  const a = new Float32Array(channels);
  const b = new Float32Array(channels);
  const k = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    a[c] = gamma[c]! * invStd[c]!;
    const meanDy = sumDy[c]! / rows;
    const meanDyXhat = sumDyXhat[c]! / rows;
    b[c] = -a[c]! * meanDyXhat * invStd[c]!;
    k[c] = -a[c]! * meanDy - b[c]! * mean[c]!;
    dGamma[c] = sumDyXhat[c]!;
    dBeta[c] = sumDy[c]!;
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) dx[i] = dy[i]! * a[c]! + xs[i]! * b[c]! + k[c]!;
  }
  return infos;
}

let registered = false;

export function registerBatchNormKernels(): string[] {
  const names = [BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD];
  if (!registered) {
    for (const backendName of JS_BACKENDS) {
      tf.registerKernel({ kernelName: BATCH_NORM_TRAIN, backendName, kernelFunc: forward as unknown as tf.KernelFunc });
      tf.registerKernel({ kernelName: BATCH_NORM_TRAIN_GRAD, backendName, kernelFunc: backward as unknown as tf.KernelFunc });
    }
    registered = true;
  }
  return names;
}
