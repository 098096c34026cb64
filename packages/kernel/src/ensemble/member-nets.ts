import type * as tf from '@tensorflow/tfjs-core';
import type { SeededMathRandom } from '@mgdl/random';
import type { OptimizerState } from '../optimizers/types.js';

/**
 * How an ensemble computes its members' nets. For dense nets, two layouts compute the same numbers:
 * `PerMemberProducts` (each member's products its own 2-D matMuls, on its model's variables) and
 * `StackedProducts` (the members' weights stacked along a leading axis, one batched product per
 * layer and one optimizer update per stacked variable — the per-op overhead paid once for all).
 * Any other net runs as `PerMemberModels`: each member's own model, one after another in the step.
 */
export interface MemberNets {
  readonly count: number;
  /** The variables the optimizer updates, in a fixed order. */
  readonly variables: tf.Variable[];
  /**
   * The logits of every member's batch, member m's as rows m·b … (m+1)·b − 1 (call inside tf.tidy
   * or a gradient function); with `dropoutStreams` (training mode), each member's dropout masks from its own stream.
   */
  forward(xs: readonly tf.Tensor[], dropoutStreams?: readonly SeededMathRandom[]): tf.Tensor2D;
  /** The members' L2 penalties λ·Σw², summed: each member's gradient gets exactly its own. */
  penalty(): tf.Scalar | undefined;
  /**
   * Gradients of `variables` (keyed by their names) with member m's replaced by what `transform`
   * makes of them, keyed by the names of its model's variables; `transform` returns undefined to keep them.
   */
  transformMember(grads: tf.NamedTensorMap, m: number, transform: (own: tf.NamedTensorMap) => tf.NamedTensorMap): tf.NamedTensorMap;
  /** New tensors holding member m's weights, in its model's order (the caller disposes them). */
  weightsOf(m: number): tf.Tensor[];
  /** Sets member m's weights (in its model's order). */
  assignWeights(m: number, weights: readonly tf.Tensor[]): void;
  /** Makes every member's model hold its current weights (plugins and callers read the models). */
  syncModels(): void;
  /** The optimizer's state in the per-member layout a checkpoint keeps (slot `name/i`, i over the members' variables, member by member). */
  toMemberSlots(state: OptimizerState): OptimizerState;
  /** The inverse of toMemberSlots: a checkpoint's state for this layout's `variables`. */
  fromMemberSlots(state: OptimizerState): OptimizerState;
  /** Frees what the layout made (the models' own variables stay). */
  dispose(): void;
  /**
   * The member each of `variables` belongs to, for per-member learning rates; absent where each
   * variable holds every member's weights (stacked), which therefore takes none.
   */
  variableMembers?(): number[];
}

/**
 * The part of a layout that trains the members' own model variables: nothing to copy back into the
 * models, the optimizer's state is per member already, and nothing of its own to free.
 */
export abstract class OwnModelVariables {
  abstract readonly count: number;
  abstract readonly variables: tf.Variable[];

  syncModels(): void {}

  toMemberSlots(state: OptimizerState): OptimizerState {
    return state;
  }

  fromMemberSlots(state: OptimizerState): OptimizerState {
    return state;
  }

  dispose(): void {}

  /** Every member has the same number of variables, listed member by member. */
  variableMembers(): number[] {
    const perMember = this.variables.length / this.count;
    return this.variables.map((_, i) => Math.floor(i / perMember));
  }
}
