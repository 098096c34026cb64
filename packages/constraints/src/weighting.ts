import { requireIn, requirePositiveInteger } from './checks.js';
import { ConstraintError } from './errors.js';

/** Linear warm-up: λ grows from 0 to `weight` over the first `warmupEpochs` epochs (fractional, per step). */
export interface WarmupWeight {
  warmupEpochs: number;
  weight: number;
}

/**
 * Learning-rate annealing (Wang, Teng & Perdikaris 2021, "Understanding and mitigating gradient flow
 * pathologies in physics-informed neural networks", SIAM J. Sci. Comput. 43(5), Algorithm 1): every
 * `every` steps, λ̂ = max|∇θ L_data| / mean|∇θ L_constraint| and λ ← (1 − α) λ + α λ̂.
 */
export interface AdaptiveWeight {
  /** α in (0, 1]; the paper uses 0.9. Default 0.9. */
  alpha?: number;
  /** Update every k optimizer steps (each update costs two extra forward/backward passes). Default 10. */
  every?: number;
  /** λ before the first update. Default 1. */
  initial?: number;
  /** Upper bound on λ, for batches where the constraint's gradient nearly vanishes. Default 1e4. */
  max?: number;
}

/**
 * GradNorm-style balancing (Chen et al. 2018, "GradNorm: gradient normalization for adaptive loss
 * balancing in deep multitask networks", ICML): every `every` steps, drive the weighted constraint
 * gradient norm λ‖∇θ L_c‖ toward GradNorm's target Ḡ · r_c^α, with Ḡ the mean of the two weighted
 * norms and r_c the constraint's relative inverse training rate. The data weight stays 1.
 */
export interface GradNormWeight {
  /** α ≥ 0, GradNorm's asymmetry: how strongly a term that trains slower than the other is pushed. Default 1.5. */
  asymmetry?: number;
  /** η in (0, 1]: λ ← λ · (target / (λ‖∇θ L_c‖))^η per update. Default 0.5. */
  rate?: number;
  /** Update every k optimizer steps (two extra forward/backward passes each). Default 10. */
  every?: number;
  /** λ before the first update; > 0, as a zero weight has no gradient norm to balance. Default 1. */
  initial?: number;
  /** Upper bound on λ. Default 1e4. */
  max?: number;
}

export type WeightOption = number | WarmupWeight | 'adaptive' | 'gradnorm';

export type ResolvedWeight =
  | { kind: 'fixed'; weight: number }
  | { kind: 'warmup'; weight: number; warmupEpochs: number }
  | { kind: 'adaptive'; alpha: number; every: number; initial: number; max: number }
  | { kind: 'gradnorm'; asymmetry: number; rate: number; every: number; initial: number; max: number };

export function resolveWeight(where: string, weight: WeightOption, adaptive: AdaptiveWeight = {}, gradnorm: GradNormWeight = {}): ResolvedWeight {
  if (typeof weight === 'number') return { kind: 'fixed', weight: requireIn(`${where}.weight`, weight, 0, Infinity, { highOpen: true }) };
  if (weight === 'gradnorm') {
    return {
      kind: 'gradnorm',
      asymmetry: requireIn(`${where}.gradnorm.asymmetry`, gradnorm.asymmetry ?? 1.5, 0, Infinity, { highOpen: true }),
      rate: requireIn(`${where}.gradnorm.rate`, gradnorm.rate ?? 0.5, 0, 1, { lowOpen: true }),
      every: requirePositiveInteger(`${where}.gradnorm.every`, gradnorm.every ?? 10),
      initial: requireIn(`${where}.gradnorm.initial`, gradnorm.initial ?? 1, 0, Infinity, { lowOpen: true, highOpen: true }),
      max: requireIn(`${where}.gradnorm.max`, gradnorm.max ?? 1e4, 0, Infinity, { lowOpen: true, highOpen: true }),
    };
  }
  if (weight === 'adaptive') {
    return {
      kind: 'adaptive',
      alpha: requireIn(`${where}.adaptive.alpha`, adaptive.alpha ?? 0.9, 0, 1, { lowOpen: true }),
      every: requirePositiveInteger(`${where}.adaptive.every`, adaptive.every ?? 10),
      initial: requireIn(`${where}.adaptive.initial`, adaptive.initial ?? 1, 0, Infinity, { highOpen: true }),
      max: requireIn(`${where}.adaptive.max`, adaptive.max ?? 1e4, 0, Infinity, { lowOpen: true, highOpen: true }),
    };
  }
  if (typeof weight === 'object' && weight !== null) {
    return {
      kind: 'warmup',
      weight: requireIn(`${where}.weight.weight`, weight.weight, 0, Infinity, { highOpen: true }),
      warmupEpochs: requireIn(`${where}.weight.warmupEpochs`, weight.warmupEpochs, 0, Infinity, { lowOpen: true, highOpen: true }),
    };
  }
  throw new ConstraintError(`${where}.weight must be a number ≥ 0, { warmupEpochs, weight }, 'adaptive' or 'gradnorm', got ${JSON.stringify(weight)}`);
}

/** λ of a linear warm-up at a point of training: weight × min(1, epochs done / warmupEpochs), counting the batch as a fraction. */
export function warmupFactor(warmupEpochs: number, epoch: number, batchIndex: number, batchesPerEpoch: number): number {
  return Math.min(1, (epoch + batchIndex / batchesPerEpoch) / warmupEpochs);
}

/** One annealing update: λ ← (1 − α) λ + α λ̂, λ̂ = maxData / meanConstraint, clipped to [0, max]; unchanged when the constraint has no gradient. */
export function annealedWeight(current: number, maxData: number, meanConstraint: number, alpha: number, max: number): number {
  if (!(meanConstraint > 0) || !Number.isFinite(maxData)) return current;
  const target = Math.min(max, maxData / meanConstraint);
  return Math.min(max, (1 - alpha) * current + alpha * target);
}

/** What one GradNorm update needs: unweighted gradient norms and losses now, and the losses at the first update. */
export interface GradNormMeasure {
  dataNorm: number;
  constraintNorm: number;
  dataLoss: number;
  constraintLoss: number;
  initialDataLoss: number;
  initialConstraintLoss: number;
}

/**
 * One GradNorm-style update of λ (data weight 1). With G_d = ‖∇L_d‖, G_c = λ‖∇L_c‖, Ḡ = (G_d + G_c)/2,
 * L̃ = L/L(0) and r_c = L̃_c / mean(L̃_d, L̃_c), GradNorm's target for the constraint is T = Ḡ · r_c^α.
 * GradNorm descends |G_c − T| with a learning rate in gradient-norm units; this takes the scale-free
 * multiplicative step λ ← λ (T/G_c)^η instead, which has the same fixed point. Clipped to (0, max];
 * unchanged when a norm or a loss is not positive and finite.
 */
export function gradNormWeight(current: number, m: GradNormMeasure, asymmetry: number, rate: number, max: number): number {
  const values = [m.dataNorm, m.constraintNorm, m.dataLoss, m.constraintLoss, m.initialDataLoss, m.initialConstraintLoss];
  if (!(current > 0) || !values.every((v) => v > 0 && Number.isFinite(v))) return current;
  const weightedConstraint = current * m.constraintNorm;
  const meanNorm = (m.dataNorm + weightedConstraint) / 2;
  const [dataRate, constraintRate] = [m.dataLoss / m.initialDataLoss, m.constraintLoss / m.initialConstraintLoss];
  const relativeRate = constraintRate / ((dataRate + constraintRate) / 2);
  const target = meanNorm * relativeRate ** asymmetry;
  return Math.min(max, current * (target / weightedConstraint) ** rate);
}
