import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { jsKernelRegistrar, kernelIO, type KernelArgs } from './kernel-io.js';

/**
 * Per-sample mean squared error, mean over each sample's outputs of (prediction − target)², as one
 * kernel; its gradient with respect to the predictions, dy·2(prediction − target)/outputs, as one
 * more. tfjs's ops take 3 kernel calls forward (sub, square, mean) and ~6 backward per step; on a
 * small regression net that dispatch is a tenth of the step. Every value is rounded to float32
 * where tfjs's ops round it, in their order, so the results are theirs bit for bit (a test):
 * wasm's Mean sums in float32 and then divides, cpu's divides each term and sums in float64.
 * @mgdl/kernel's mse calls it by this name.
 */
export const MEAN_SQUARED_ERROR = 'MgdlMeanSquaredError';
export const MEAN_SQUARED_ERROR_GRAD = 'MgdlMeanSquaredErrorGrad';

const f32 = Math.fround;

/** Rows of the [batch, …] predictions: the batch, and the outputs per sample. */
function rowsOf(predictions: TensorInfo): [number, number] {
  const [batch, ...rest] = predictions.shape;
  return [batch!, rest.reduce((a, b) => a * b, 1)];
}

/** Whether the backend's Mean sums in float32, then divides (wasm), rather than dividing each term and summing in float64 (cpu). */
const sumsInFloat32 = (backend: KernelBackend) => 'typedArrayFromHeap' in backend;

function forward({ inputs, backend }: KernelArgs): TensorInfo {
  const predictions = inputs['predictions']!;
  const [batch, outputs] = rowsOf(predictions);
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([[batch]]);
  const [p, t] = [io.read(predictions), io.read(inputs['targets']!)];
  const [loss] = data() as [Float32Array];
  const float32Sum = sumsInFloat32(backend);
  for (let b = 0; b < batch; b++) {
    let sum = 0;
    for (let j = b * outputs; j < (b + 1) * outputs; j++) {
      const difference = f32(p[j]! - t[j]!);
      const square = f32(difference * difference);
      sum = float32Sum ? f32(sum + square) : sum + f32(square / outputs);
    }
    loss[b] = float32Sum ? f32(sum / outputs) : f32(sum);
  }
  return infos[0]!;
}

function backward({ inputs, backend }: KernelArgs): TensorInfo {
  const predictions = inputs['predictions']!;
  const [batch, outputs] = rowsOf(predictions);
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([predictions.shape]);
  const [p, t, dy] = [io.read(predictions), io.read(inputs['targets']!), io.read(inputs['dy']!)];
  const [dp] = data() as [Float32Array];
  for (let b = 0; b < batch; b++) {
    // tfjs: the mean's gradient dy/outputs, times the square's 2·(p − t).
    const g = f32(dy[b]! / outputs);
    for (let j = b * outputs; j < (b + 1) * outputs; j++) dp[j] = f32(g * f32(2 * f32(p[j]! - t[j]!)));
  }
  return infos[0]!;
}

const gradient: tf.GradConfig = {
  kernelName: MEAN_SQUARED_ERROR,
  inputsToSave: ['predictions', 'targets'],
  gradFunc: (dy, saved) => {
    const [predictions, targets] = saved as [tf.Tensor, tf.Tensor];
    const dPredictions = () => tf.engine().runKernel(MEAN_SQUARED_ERROR_GRAD, { dy: dy as tf.Tensor, predictions, targets }) as tf.Tensor;
    // Targets computed from trained weights (rare) get the opposite gradient, as through tfjs's sub.
    return { predictions: dPredictions, targets: () => tf.neg(dPredictions()) };
  },
};

/** Registers the kernels on wasm and cpu (the backends whose memory JS can touch) and the gradient. */
export const registerMeanSquaredErrorKernels = jsKernelRegistrar({ [MEAN_SQUARED_ERROR]: forward, [MEAN_SQUARED_ERROR_GRAD]: backward }, gradient);
