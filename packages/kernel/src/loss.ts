import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from './errors.js';

/**
 * A training loss: per-sample values (the kernel averages them), and whether the task is a
 * classification with per-sample correctness, margin and p(gold).
 */
export interface LossFunction {
  name: string;
  classification: boolean;
  perSample(logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D;
}

/**
 * The fused kernel @mgdl/backend registers for wasm and cpu (SOFTMAX_CROSS_ENTROPY there; this
 * package does not depend on the backend, so it is found by name): one kernel forward and one
 * backward instead of ~12 tfjs ops each, equal to them within float32 rounding.
 */
const FUSED_SOFTMAX_CROSS_ENTROPY = 'MgdlSoftmaxCrossEntropy';
/** The same for mean squared error (MEAN_SQUARED_ERROR there): one kernel for ~3 forward and ~6 backward, bit for bit tfjs's. */
const FUSED_MEAN_SQUARED_ERROR = 'MgdlMeanSquaredError';

export const softmaxCrossEntropy: LossFunction = {
  name: 'softmax-cross-entropy',
  classification: true,
  perSample: (logits, y) => {
    if (logits.rank === 2 && y.rank === 1 && logits.dtype === 'float32' && tf.getKernel(FUSED_SOFTMAX_CROSS_ENTROPY, tf.getBackend())) {
      return tf.engine().runKernel(FUSED_SOFTMAX_CROSS_ENTROPY, { logits, labels: y }) as tf.Tensor1D;
    }
    return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(y, 'int32') as tf.Tensor1D, logits.shape[1]!), tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
  },
};

export const meanSquaredError: LossFunction = {
  name: 'mse',
  classification: false,
  perSample: (out, y) => {
    if (out.rank >= 2 && out.dtype === 'float32' && y.dtype === 'float32' && tf.util.arraysEqual(out.shape, y.shape) && tf.getKernel(FUSED_MEAN_SQUARED_ERROR, tf.getBackend())) {
      return tf.engine().runKernel(FUSED_MEAN_SQUARED_ERROR, { predictions: out, targets: y }) as tf.Tensor1D;
    }
    return tf.mean(tf.square(tf.sub(out, y)), out.shape.slice(1).map((_, i) => i + 1)) as tf.Tensor1D;
  },
};

export function resolveLoss(loss: 'softmax-cross-entropy' | 'mse' | LossFunction): LossFunction {
  if (typeof loss !== 'string') return loss;
  if (loss === 'softmax-cross-entropy') return softmaxCrossEntropy;
  if (loss === 'mse') return meanSquaredError;
  throw new KernelError(`unknown loss '${String(loss)}'; use 'softmax-cross-entropy', 'mse' or a LossFunction`);
}

/** 1 where argmax(logits) is the label, else 0 (int32; call inside tf.tidy). */
export const correctness = (logits: tf.Tensor, y: tf.Tensor): tf.Tensor1D => tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'int32') as tf.Tensor1D;

/** Correctness, margin, p(gold) and EL2N of a classification batch, as tensors (call inside tf.tidy). */
export function classificationStats(logits: tf.Tensor, y: tf.Tensor, perSampleLoss: tf.Tensor) {
  const labels = tf.cast(y, 'int32') as tf.Tensor1D;
  const mask = tf.oneHot(labels, logits.shape[1]!);
  const gold = tf.sum(tf.mul(mask, logits), 1);
  const bestOther = tf.max(tf.where(tf.cast(mask, 'bool'), tf.fill(logits.shape, -Infinity), logits), 1);
  return {
    correct: correctness(logits, labels),
    margin: tf.sub(gold, bestOther),
    pGold: tf.exp(tf.neg(perSampleLoss)),
    // Paul et al.'s EL2N score: the L2 distance between the softmax and the one-hot label.
    el2n: tf.sqrt(tf.sum(tf.square(tf.sub(tf.softmax(logits), mask)), 1)),
  };
}
