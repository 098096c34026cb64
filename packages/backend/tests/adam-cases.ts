/** Random Adam/AdamW updates of several variables, the fused kernel's inputs, and tfjs's per-op update of the same. */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../src/index.js';
import { Random, sizeOf } from './support.js';

export interface AdamCase {
  shapes: number[][];
  w: Float32Array[];
  g: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  attrs: AdamUpdateAttrs;
}

const rng = new Random(0xada);
export const adamCases: AdamCase[] = Array.from({ length: 16 }, (_, i) => {
  // The last case has a variable of more than one SIMD task (65,536 floats) with a ragged tail.
  const shapes = i === 15 ? [[301, 299], [3]] : Array.from({ length: rng.int(1, 4) }, () => Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 9)));
  const t = rng.int(1, 50);
  const [beta1, beta2, learningRate] = [rng.pick([0.9, 0.5, 0]), rng.pick([0.999, 0.9]), rng.pick([1e-3, 0.1])];
  const weightDecay = i % 3 === 0 ? 0 : rng.pick([1e-4, 0.05]);
  return {
    shapes,
    w: shapes.map((s) => rng.floats(sizeOf(s), -2, 2)),
    g: shapes.map((s) => rng.floats(sizeOf(s), -1, 1).map((x) => x * 10 ** rng.int(-4, 1))),
    m: shapes.map((s) => rng.floats(sizeOf(s), -0.1, 0.1)),
    v: shapes.map((s) => rng.floats(sizeOf(s), 0, 0.01)),
    attrs: { count: shapes.length, beta1, beta2, epsilon: rng.pick([1e-8, 1e-6]), stepSize: learningRate / (1 - beta1 ** t), rootCorrection2: Math.sqrt(1 - beta2 ** t), weightDecay, decoupled: i % 3 === 2, learningRate },
  };
});

export const tensors = (c: AdamCase) => c.shapes.flatMap((s, i) => [tf.tensor(c.w[i]!, s), tf.tensor(c.g[i]!, s), tf.tensor(c.m[i]!, s), tf.tensor(c.v[i]!, s)]);

/** Runs the fused kernel on tensors made by `tensors`. */
export const runFused = (c: AdamCase, list: tf.Tensor[]): tf.Tensor[] => {
  const inputs = Object.fromEntries(c.shapes.flatMap((_, i) => ['w', 'g', 'm', 'v'].map((name, k) => [`${name}${i}`, list[4 * i + k]!])));
  return tf.engine().runKernel(ADAM_UPDATE, inputs, c.attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
};

export const fused = (c: AdamCase) => (): tf.Tensor[] => runFused(c, tensors(c));

/** @mgdl/kernel's per-op Adam (adam.ts before the fused kernel), one variable at a time. */
export const perOp = (c: AdamCase) => (): tf.Tensor[] => {
  const list = tensors(c);
  const { beta1, beta2, epsilon, stepSize, rootCorrection2, weightDecay, decoupled, learningRate } = c.attrs;
  return c.shapes.flatMap((_, i) => {
    const [w, g0, m0, v0] = list.slice(4 * i, 4 * i + 4) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const g = !decoupled && weightDecay !== 0 ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
    const m = tf.add(tf.mul(m0, beta1), tf.mul(g, 1 - beta1));
    const v = tf.add(tf.mul(v0, beta2), tf.mul(tf.square(g), 1 - beta2));
    const denominator = tf.add(tf.div(tf.sqrt(v), rootCorrection2), epsilon);
    const decayed = decoupled && weightDecay !== 0 ? tf.mul(w, 1 - learningRate * weightDecay) : w;
    return [tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)), m, v];
  });
};

export const describeCase = (c: AdamCase) => `${c.shapes.map((s) => `[${s}]`).join(' ')} wd ${c.attrs.weightDecay}${c.attrs.decoupled ? ' decoupled' : ''}`;
