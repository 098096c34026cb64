import * as tf from '@tensorflow/tfjs-core';

/** ∇θ of the data loss and of the constraint loss, summarised as the annealing rule needs them. */
export interface GradientStatistics {
  /** max over all trainable parameters of |∂L_data/∂θ|. */
  maxData: number;
  /** mean over all trainable parameters of |∂L_constraint/∂θ| (L_constraint unweighted). */
  meanConstraint: number;
}

/**
 * Both gradients by two extra backward passes over the given loss functions. Called from
 * `lossTerms`, i.e. inside the kernel's tape: tfjs supports nested tapes, and the extra nodes do
 * not lead to the step's loss, so they get no gradient and the kernel frees them with its tape.
 * One small download.
 */
export function gradientStatistics(variables: readonly tf.Variable[], dataLoss: () => tf.Scalar, constraintLoss: () => tf.Scalar): GradientStatistics {
  const values = tf.tidy(() => {
    const data = tf.variableGrads(dataLoss, variables as tf.Variable[]).grads;
    const physics = tf.variableGrads(constraintLoss, variables as tf.Variable[]).grads;
    const count = variables.reduce((n, v) => n + v.size, 0);
    const maxData = tf.max(tf.stack(Object.values(data).map((g) => tf.max(tf.abs(g)))));
    const meanConstraint = tf.div(tf.addN(Object.values(physics).map((g) => tf.sum(tf.abs(g)))), count);
    return tf.stack([maxData, meanConstraint]).dataSync();
  });
  return { maxData: values[0]!, meanConstraint: values[1]! };
}
