import * as tf from '@tensorflow/tfjs-core';

/** ∇θ of the data loss and of the constraint loss, summarised as the annealing and GradNorm rules need them. */
export interface GradientStatistics {
  /** max over all trainable parameters of |∂L_data/∂θ|. */
  maxData: number;
  /** mean over all trainable parameters of |∂L_constraint/∂θ| (L_constraint unweighted). */
  meanConstraint: number;
  /** ‖∇θ L_data‖₂ over all trainable parameters. */
  dataNorm: number;
  /** ‖∇θ L_constraint‖₂ (unweighted). */
  constraintNorm: number;
  /** L_data and L_constraint (unweighted) themselves. */
  dataLoss: number;
  constraintLoss: number;
}

/**
 * Both gradients by two extra backward passes over the given loss functions. Called from
 * `lossTerms`, i.e. inside the kernel's tape: tfjs supports nested tapes, and the extra nodes do
 * not lead to the step's loss, so they get no gradient and the kernel frees them with its tape.
 * One small download.
 */
export function gradientStatistics(variables: readonly tf.Variable[], dataLoss: () => tf.Scalar, constraintLoss: () => tf.Scalar): GradientStatistics {
  const values = tf.tidy(() => {
    const data = tf.variableGrads(dataLoss, variables as tf.Variable[]);
    const physics = tf.variableGrads(constraintLoss, variables as tf.Variable[]);
    const [dataGrads, physicsGrads] = [Object.values(data.grads), Object.values(physics.grads)];
    const count = variables.reduce((n, v) => n + v.size, 0);
    const norm = (grads: tf.Tensor[]) => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const maxData = tf.max(tf.stack(dataGrads.map((g) => tf.max(tf.abs(g)))));
    const meanConstraint = tf.div(tf.addN(physicsGrads.map((g) => tf.sum(tf.abs(g)))), count);
    return tf.stack([maxData, meanConstraint, norm(dataGrads), norm(physicsGrads), data.value, physics.value]).dataSync();
  });
  const at = (i: number) => values[i]!;
  return { maxData: at(0), meanConstraint: at(1), dataNorm: at(2), constraintNorm: at(3), dataLoss: at(4), constraintLoss: at(5) };
}
