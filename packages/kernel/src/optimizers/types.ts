import type * as tf from '@tensorflow/tfjs-core';

/**
 * An optimizer the kernel drives: the learning rate is an argument of every step (so schedules
 * and plugin lr factors change the real step size, Adam included), and its state can be saved
 * and restored exactly for resume.
 */
export interface Optimizer {
  readonly name: string;
  /**
   * Updates each variable in place from its gradient, with this step's learning rate: one for all,
   * or one per variable (an ensemble's members each step at their own). Either way it is one step:
   * the step count (Adam's bias correction) advances once for every variable.
   */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], learningRate: number | readonly number[]): void;
  /** Named state tensors' values (moments, step count) for a checkpoint. */
  state(): Promise<OptimizerState>;
  loadState(state: OptimizerState, variables: readonly tf.Variable[]): void;
  dispose(): void;
}

export interface OptimizerState {
  /** Scalars (step counts). */
  scalars: Record<string, number>;
  /** Per-variable slots, keyed `${slot}/${index}`, as flat float32 with shapes. */
  slots: Record<string, { shape: number[]; values: Float32Array }>;
}
