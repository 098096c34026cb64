import * as tf from '@tensorflow/tfjs-core';
import { ConstraintError } from './errors.js';

/**
 * A physical constraint on a model's predictions.
 *
 * `violation(inputs, predictions)` returns one number per sample, shape [b]:
 * - **non-negative**, and **0 exactly when the sample's prediction satisfies the constraint**;
 * - **differentiable** in `predictions` (the gradient flows through it into the weights), so it
 *   must be written in tf ops and must not download values it returns;
 * - in a **dimensionless, O(1) scale** (e.g. a squared relative residual), so weights and the
 *   learning-rate factor's β mean the same across constraints.
 *
 * `inputs` is the model input [b, …] and `predictions` the model output [b, …], as the kernel sees
 * them (`ForwardPass.x` and `ForwardPass.logits`). It is called inside the kernel's gradient tape:
 * do not wrap it in `tf.tidy` and do not dispose its inputs.
 */
export interface Constraint {
  readonly name: string;
  violation(inputs: tf.Tensor, predictions: tf.Tensor): tf.Tensor1D;
}

/**
 * A constraint from a plain tf function returning the per-sample violation. The wrapper checks the
 * shape (rank 1, one value per sample) so that a wrong reduction fails at the first step with a
 * clear message instead of silently broadcasting; non-negativity is the function's job (build it
 * from {@link squaredResidual} or {@link hinge}).
 */
export function constraintFromFunction(name: string, fn: (inputs: tf.Tensor, predictions: tf.Tensor) => tf.Tensor): Constraint {
  if (typeof name !== 'string' || name === '') throw new ConstraintError('a constraint needs a non-empty name (it names the logged loss term)');
  if (typeof fn !== 'function') throw new ConstraintError(`constraint '${name}': fn must be a function (inputs, predictions) => violation [b]`);
  return {
    name,
    violation(inputs, predictions) {
      const v = fn(inputs, predictions);
      const batch = predictions.shape[0];
      if (v.rank !== 1 || v.shape[0] !== batch) {
        throw new ConstraintError(`constraint '${name}' returned shape [${v.shape.join(', ')}]; a violation has one value per sample, shape [${batch}]`);
      }
      return v as tf.Tensor1D;
    },
  };
}

/** r² — the violation of an equality r = 0 (r a relative residual, so it is dimensionless). */
export const squaredResidual = (residual: tf.Tensor): tf.Tensor => tf.square(residual);

/** max(g, 0)² — the violation of an inequality g ≤ 0; squared so its gradient vanishes smoothly at the boundary. */
export const hinge = (g: tf.Tensor): tf.Tensor => tf.square(tf.relu(g));

/** Σ wᵢ·violationᵢ of several constraints, one constraint (e.g. all balances of a system at once). */
export function sumConstraints(name: string, parts: readonly { constraint: Constraint; weight?: number }[]): Constraint {
  if (parts.length === 0) throw new ConstraintError(`sumConstraints('${name}') needs at least one constraint`);
  for (const { constraint, weight = 1 } of parts) {
    if (!(Number.isFinite(weight) && weight >= 0)) throw new ConstraintError(`sumConstraints('${name}'): the weight of '${constraint.name}' must be a finite number ≥ 0, got ${weight}`);
  }
  return {
    name,
    violation: (inputs, predictions) =>
      tf.addN(parts.map(({ constraint, weight = 1 }) => tf.mul(constraint.violation(inputs, predictions), weight))) as tf.Tensor1D,
  };
}
