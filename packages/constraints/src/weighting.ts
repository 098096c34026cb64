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

export type WeightOption = number | WarmupWeight | 'adaptive';

export type ResolvedWeight =
  | { kind: 'fixed'; weight: number }
  | { kind: 'warmup'; weight: number; warmupEpochs: number }
  | { kind: 'adaptive'; alpha: number; every: number; initial: number; max: number };

export function resolveWeight(where: string, weight: WeightOption, adaptive: AdaptiveWeight = {}): ResolvedWeight {
  if (typeof weight === 'number') return { kind: 'fixed', weight: requireIn(`${where}.weight`, weight, 0, Infinity, { highOpen: true }) };
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
  throw new ConstraintError(`${where}.weight must be a number ≥ 0, { warmupEpochs, weight } or 'adaptive', got ${JSON.stringify(weight)}`);
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
