import * as tf from '@tensorflow/tfjs-core';
import { KernelError } from './errors.js';
import type { KernelPlugin } from './types.js';

/** Scales all gradients down together when their global L2 norm exceeds `maxNorm` (torch's clip_grad_norm_). */
export function gradientClipping({ maxNorm }: { maxNorm: number }): KernelPlugin {
  if (!(maxNorm > 0)) throw new KernelError(`gradientClipping: maxNorm must be positive, got ${maxNorm}`);
  return {
    name: 'gradient-clipping',
    transformGrads(grads) {
      return tf.tidy(() => {
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
        return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
      });
    },
  };
}
