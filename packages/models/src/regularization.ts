import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The sum of the model's weight penalties (the zoo's L2 terms), to add to the mean loss inside
 * the gradient function; a zero scalar for a model without any.
 */
export function regularizationLoss(model: tfl.LayersModel): tf.Scalar {
  // Per layer: a Sequential's own calculateLosses() sees only its inner graph once built by compile().
  const terms = model.layers.flatMap((layer) => layer.calculateLosses());
  return terms.length === 0 ? tf.scalar(0) : (tf.addN(terms) as tf.Scalar);
}

export const trainableParams = (model: tfl.LayersModel): number =>
  model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
