import * as tf from '@tensorflow/tfjs-core';
import type { KernelPlugin } from '@mgdl/kernel';
import { requireIn } from './checks.js';
import type { Constraint } from './constraint.js';
import { ConstraintError } from './errors.js';

export interface ConstraintLearningRateOptions {
  /**
   * 'inverse': f = 1/(1 + β·v̄), every step. 'step': f ← γ·f at each epoch end while v̄ > threshold
   * (never raised again). Both clipped to [floor, 1].
   */
  form: 'inverse' | 'step';
  /** β ≥ 0 of the inverse form, in 1/violation units. Default 1. */
  beta?: number;
  /** γ in (0, 1) of the step form. Default 0.5. */
  gamma?: number;
  /** Violation above which the step form steps down. Default 0. */
  threshold?: number;
  /** Smallest factor, in (0, 1]. Default 0.1. */
  floor?: number;
  /** s in [0, 1): v̄ ← s·v̄ + (1 − s)·v per batch (the first batch sets v̄ = v). Default 0.9. */
  smoothing?: number;
  /** Plugin name. Default `constraint-lr:<constraint>`. */
  name?: string;
}

/** The plugin, with its current factor and smoothed violation readable. */
export type ConstraintLearningRatePlugin = KernelPlugin & { readonly factor: number; readonly violation: number | undefined };

interface SavedState {
  /** v̄, or null before the first measurement. */
  violation: number | null;
  /** The step form's current factor. */
  factor: number;
}

/**
 * MGDL family (b), learning-rate correction: the step size shrinks while the model violates the
 * constraint. The violation is measured on the training batch itself: `lossTerms` (which sees the
 * predictions) keeps mean_b(violation) as one scalar and adds no term; `onBatchEnd` downloads it
 * asynchronously and disposes it, so no tensor outlives the step and no synchronous read stalls the
 * backend. The factor used at step t therefore comes from the batches before t (one step behind:
 * the first step runs at factor 1 unless a resumed state says otherwise).
 */
export function constraintLearningRate(constraint: Constraint, options: ConstraintLearningRateOptions): ConstraintLearningRatePlugin {
  const name = options.name ?? `constraint-lr:${constraint.name}`;
  if (options.form !== 'inverse' && options.form !== 'step') throw new ConstraintError(`${name}.form must be 'inverse' or 'step', got ${JSON.stringify(options.form)}`);
  const beta = requireIn(`${name}.beta`, options.beta ?? 1, 0, Infinity, { highOpen: true });
  const gamma = requireIn(`${name}.gamma`, options.gamma ?? 0.5, 0, 1, { lowOpen: true, highOpen: true });
  const threshold = requireIn(`${name}.threshold`, options.threshold ?? 0, 0, Infinity, { highOpen: true });
  const floor = requireIn(`${name}.floor`, options.floor ?? 0.1, 0, 1, { lowOpen: true });
  const smoothing = requireIn(`${name}.smoothing`, options.smoothing ?? 0.9, 0, 1, { highOpen: true });
  const clip = (f: number) => Math.min(1, Math.max(floor, f));

  let violation: number | undefined;
  let stepFactor = 1;
  let pending: tf.Scalar | undefined;
  const release = () => {
    pending?.dispose();
    pending = undefined;
  };
  const factor = () => (options.form === 'inverse' ? clip(1 / (1 + beta * (violation ?? 0))) : clip(stepFactor));

  return {
    name,
    get factor() {
      return factor();
    },
    get violation() {
      return violation;
    },
    lossTerms({ x, logits }) {
      release(); // a step that failed after lossTerms never reached onBatchEnd
      pending = tf.keep(tf.mean(constraint.violation(x, logits)) as tf.Scalar);
      return {};
    },
    adjustLearningRate: factor,
    async onBatchEnd() {
      if (!pending) return;
      const measured = pending;
      pending = undefined;
      const [v] = await measured.data();
      measured.dispose();
      violation = violation === undefined ? v! : smoothing * violation + (1 - smoothing) * v!;
    },
    onEpochEnd() {
      if (options.form === 'step' && violation !== undefined && violation > threshold) stepFactor = clip(stepFactor * gamma);
    },
    onRunEnd: release,
    stateDict: (): SavedState => ({ violation: violation ?? null, factor: stepFactor }),
    loadStateDict(state) {
      const saved = state as Partial<SavedState> | null;
      const v = saved?.violation;
      const f = saved?.factor;
      if (!(v === null || (typeof v === 'number' && v >= 0 && Number.isFinite(v))) || !(typeof f === 'number' && f > 0 && f <= 1)) {
        throw new ConstraintError(`${name}: saved state must be { violation: number ≥ 0 | null, factor in (0, 1] }, got ${JSON.stringify(state)}`);
      }
      violation = v ?? undefined;
      stepFactor = f;
    },
  };
}
