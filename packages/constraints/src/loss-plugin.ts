import * as tf from '@tensorflow/tfjs-core';
import { meanSquaredError, softmaxCrossEntropy, type KernelPlugin, type LossFunction } from '@mgdl/kernel';
import type { Constraint } from './constraint.js';
import { ConstraintError } from './errors.js';
import { gradientStatistics } from './gradient-ratio.js';
import { annealedWeight, gradNormWeight, resolveWeight, warmupFactor, type AdaptiveWeight, type GradNormWeight, type WeightOption } from './weighting.js';

export interface ConstraintLossOptions {
  /** λ: a fixed number, a linear warm-up `{ warmupEpochs, weight }`, 'adaptive' (learning-rate annealing) or 'gradnorm'. */
  weight: WeightOption;
  /** Settings of the adaptive weight (only with weight 'adaptive'). */
  adaptive?: AdaptiveWeight;
  /** Settings of the GradNorm-style weight (only with weight 'gradnorm'). */
  gradnorm?: GradNormWeight;
  /**
   * The data loss, for the adaptive and GradNorm weights' gradients: it must be the loss the kernel trains
   * with (the kernel does not hand its loss function to plugins). Default 'mse' (MGDL regresses
   * physical quantities).
   */
  dataLoss?: 'mse' | 'softmax-cross-entropy' | LossFunction;
  /**
   * Extra model inputs, without targets, where the constraint is enforced too (collocation points,
   * as in PINNs): a constraint needs no labels, so it can guide the model between the few labelled
   * samples. The violation is then averaged over the batch and these rows.
   */
  collocation?: readonly (readonly number[])[];
  /** Plugin name (keys its saved state and prefixes the logged term). Default `constraint-loss:<constraint>`. */
  name?: string;
}

/** A kernel plugin whose current λ can be read (for logs and tests). */
export type ConstraintLossPlugin = KernelPlugin & { readonly weight: number };

interface SavedState {
  weight: number;
  /** GradNorm's reference losses L(0), once measured. */
  initialLosses?: [number, number];
}

/**
 * MGDL family (a), loss regularisation: adds λ·mean_b(violation) to the training loss, logged as
 * `<plugin>/violation`. λ is fixed, warmed up linearly, adapted by learning-rate annealing, or balanced GradNorm-style.
 */
export function constraintLoss(constraint: Constraint, options: ConstraintLossOptions): ConstraintLossPlugin {
  const name = options.name ?? `constraint-loss:${constraint.name}`;
  const weighting = resolveWeight(name, options.weight, options.adaptive, options.gradnorm);
  if (options.adaptive && weighting.kind !== 'adaptive') throw new ConstraintError(`${name}: 'adaptive' settings need weight: 'adaptive'`);
  if (options.gradnorm && weighting.kind !== 'gradnorm') throw new ConstraintError(`${name}: 'gradnorm' settings need weight: 'gradnorm'`);
  const dataLoss = resolveDataLoss(name, options.dataLoss ?? 'mse');
  const collocation = checkCollocation(name, options.collocation);
  const adapted = weighting.kind === 'adaptive' || weighting.kind === 'gradnorm' ? weighting : undefined;
  let weight = adapted ? adapted.initial : weighting.kind === 'fixed' ? weighting.weight : 0;
  let initialLosses: [number, number] | undefined;
  return {
    name,
    get weight() {
      return weight;
    },
    lossTerms({ x, y, logits }, ctx) {
      const points = collocation && tf.tensor2d(collocation);
      // Mean violation over the batch and the collocation rows, for the predictions `predict` makes.
      const meanViolation = (batchPredictions: tf.Tensor, predict: (inputs: tf.Tensor) => tf.Tensor) => {
        const violation = constraint.violation(x, batchPredictions);
        return tf.mean(points ? tf.concat([violation, constraint.violation(points, predict(points))]) : violation) as tf.Scalar;
      };
      if (weighting.kind === 'warmup') weight = weighting.weight * warmupFactor(weighting.warmupEpochs, ctx.epoch, ctx.batchIndex, ctx.batchesPerEpoch);
      if (adapted && ctx.step % adapted.every === 0) {
        // Inference mode (no dropout, batch-norm moving statistics): measuring must not draw dropout
        // seeds or update moving statistics, or it would change the run it measures.
        const predict = (inputs: tf.Tensor) => ctx.model.apply(inputs, { training: false }) as tf.Tensor;
        const variables = ctx.model.trainableWeights.map((w) => w.read() as tf.Variable);
        const measured = gradientStatistics(
          variables,
          () => tf.mean(dataLoss.perSample(predict(x), y)) as tf.Scalar,
          () => meanViolation(predict(x), predict),
        );
        if (adapted.kind === 'adaptive') weight = annealedWeight(weight, measured.maxData, measured.meanConstraint, adapted.alpha, adapted.max);
        else {
          initialLosses ??= [measured.dataLoss, measured.constraintLoss];
          const [initialDataLoss, initialConstraintLoss] = initialLosses;
          weight = gradNormWeight(weight, { ...measured, initialDataLoss, initialConstraintLoss }, adapted.asymmetry, adapted.rate, adapted.max);
        }
      }
      // Inside the tape: the collocation predictions get gradients like the batch's.
      return { violation: tf.mul(weight, meanViolation(logits, (inputs) => ctx.model.apply(inputs, { training: true }) as tf.Tensor)) as tf.Scalar };
    },
    stateDict: (): SavedState => (initialLosses ? { weight, initialLosses } : { weight }),
    loadStateDict(state) {
      const saved = state as Partial<SavedState> | null;
      if (!(typeof saved?.weight === 'number' && Number.isFinite(saved.weight) && saved.weight >= 0)) throw new ConstraintError(`${name}: saved state has no valid weight: ${JSON.stringify(state)}`);
      const losses = saved.initialLosses;
      if (losses !== undefined && !(Array.isArray(losses) && losses.length === 2 && losses.every((l) => typeof l === 'number' && l > 0))) {
        throw new ConstraintError(`${name}: saved initialLosses must be two positive numbers, got ${JSON.stringify(losses)}`);
      }
      weight = saved.weight;
      initialLosses = losses ? [losses[0], losses[1]] : undefined;
    },
  };
}

function checkCollocation(name: string, rows: ConstraintLossOptions['collocation']): number[][] | undefined {
  if (rows === undefined) return undefined;
  const width = rows[0]?.length ?? 0;
  if (width === 0 || rows.some((r) => r.length !== width || !r.every(Number.isFinite))) {
    throw new ConstraintError(`${name}.collocation must be a non-empty list of rows of equal length with finite numbers`);
  }
  return rows.map((r) => [...r]);
}

function resolveDataLoss(name: string, loss: 'mse' | 'softmax-cross-entropy' | LossFunction): LossFunction {
  if (loss === 'mse') return meanSquaredError;
  if (loss === 'softmax-cross-entropy') return softmaxCrossEntropy;
  if (typeof loss === 'object' && loss !== null && typeof loss.perSample === 'function') return loss;
  throw new ConstraintError(`${name}: dataLoss must be 'mse', 'softmax-cross-entropy' or a LossFunction, got ${JSON.stringify(loss)}`);
}
