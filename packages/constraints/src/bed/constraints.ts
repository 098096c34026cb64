import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_WAKE_FRACTION, FluidizationError, solveStructure, type FluidizedBed } from '@mgdl/fluidization';
import { hinge, squaredResidual, sumConstraints, type Constraint } from '../constraint.js';
import { ConstraintError } from '../errors.js';
import { resolveLayout, type BedInputName, type BedLayout } from './layout.js';
import { emulsionForceResidual, gasBalanceResidual, stabilityEnergy, totalEnergy } from './physics.js';

/*
 * Predictions of an untrained net can leave the physical range, where Ergun's ε³ and N_t's 1/(1 − δ)
 * blow up; clipping there keeps the loss finite (the gradient through the clipped variable is then
 * zero, and the gas balance, which has no singularity, pulls the prediction back).
 */
const VOIDAGE_RANGE = [0.05, 0.995] as const;
const FRACTION_RANGE = [0, 0.95] as const;
/** Distinct input rows whose N_st,min is remembered (a training set's worth); the cache restarts past this. */
const CACHE_LIMIT = 65_536;

const throughflowOf = (layout: BedLayout) => layout.structure?.throughflowFactor ?? 3;
const wakeOf = (layout: BedLayout) => layout.structure?.wakeFraction ?? DEFAULT_WAKE_FRACTION;

/** (i) Gas mass balance U = (1 − δ) U_e + δ U_b with U_b = u_b + c U_e: violation r², r relative to U. */
export function gasBalanceConstraint(layout: BedLayout): Constraint {
  const resolved = resolveLayout(layout, true, ['emulsionVelocity', 'bubbleFraction', 'bubbleRiseVelocity']);
  const c = throughflowOf(layout);
  return {
    name: 'gas-balance',
    violation: (x, y) => {
      const p = resolved.inputsOf(x);
      const o = resolved.outputsOf(y);
      return squaredResidual(gasBalanceResidual(p.superficialVelocity, o.emulsionVelocity!, o.bubbleFraction!, o.bubbleRiseVelocity!, c)) as tf.Tensor1D;
    },
  };
}

/** (ii) Emulsion force balance: Ergun drag at (ε_e, U_e) = buoyant weight (1 − ε_e)(ρp − ρg) g; violation r², r relative to the weight. */
export function emulsionForceConstraint(layout: BedLayout): Constraint {
  const resolved = resolveLayout(layout, false, ['emulsionVoidage', 'emulsionVelocity']);
  return {
    name: 'emulsion-force',
    violation: (x, y) => {
      const p = resolved.inputsOf(x);
      const o = resolved.outputsOf(y);
      const voidage = tf.clipByValue(o.emulsionVoidage!, ...VOIDAGE_RANGE);
      return squaredResidual(emulsionForceResidual(p, voidage, o.emulsionVelocity!)) as tf.Tensor1D;
    },
  };
}

/**
 * (iii) The stability condition, the compromise of the two dominant mechanisms (gas: W_st → min,
 * particles: ε → min; Li & Kwauk 1994) expressed as N_st → min: the realised structure spends the
 * least energy on suspending and transporting particles. The prediction's N_st (from its U_e, δ, u_b)
 * may not exceed the minimum N_st,min that `solveStructure` finds for the sample's operating
 * conditions: violation max(N_st − N_st,min, 0)² / N_T². N_st,min depends on the inputs only, so it
 * is a constant of the step: the inputs are downloaded (a [b, k] read per step) and each distinct row
 * is solved once and cached. Pair it with the balances: alone, an N_st below the minimum (which no
 * structure satisfying the balances reaches) is not penalised.
 */
export function stabilityConstraint(layout: BedLayout): Constraint {
  const resolved = resolveLayout(layout, true, ['emulsionVelocity', 'bubbleFraction', 'bubbleRiseVelocity']);
  const fw = wakeOf(layout);
  const cache = new Map<string, number>();
  const minimumOf = (row: Record<BedInputName, number>): number => {
    const key = bedInputKey(row);
    let value = cache.get(key);
    if (value === undefined) {
      value = minimumStability(systemOf(layout.system, row), row.superficialVelocity, layout);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
  return {
    name: 'stability',
    violation: (x, y) => {
      const minimum = tf.tensor1d(resolved.rowsOf(x).map(minimumOf));
      const p = resolved.inputsOf(x);
      const o = resolved.outputsOf(y);
      const fraction = tf.clipByValue(o.bubbleFraction!, ...FRACTION_RANGE);
      const excess = tf.div(tf.sub(stabilityEnergy(p, o.emulsionVelocity!, fraction, o.bubbleRiseVelocity!, fw), minimum), totalEnergy(p));
      return hinge(excess) as tf.Tensor1D;
    },
  };
}

/** The three bed constraints, and `all`: their sum. */
export function bedConstraints(layout: BedLayout): { gasBalance: Constraint; emulsionForce: Constraint; stability: Constraint; all: Constraint } {
  const gasBalance = gasBalanceConstraint(layout);
  const emulsionForce = emulsionForceConstraint(layout);
  const stability = stabilityConstraint(layout);
  return { gasBalance, emulsionForce, stability, all: sumConstraints('bubbling-bed', [{ constraint: gasBalance }, { constraint: emulsionForce }, { constraint: stability }]) };
}

const bedInputKey = (row: Record<BedInputName, number>) => Object.values(row).join(',');

function systemOf(base: FluidizedBed, row: Record<BedInputName, number>): FluidizedBed {
  return {
    gas: { density: row.gasDensity, viscosity: row.gasViscosity },
    particles: { diameter: row.particleDiameter, density: row.particleDensity, sphericity: row.particleSphericity },
    bed: { ...base.bed, minFluidizationVoidage: row.minFluidizationVoidage },
  };
}

function minimumStability(system: FluidizedBed, U: number, layout: BedLayout): number {
  try {
    return solveStructure(system, U, layout.structure ?? {}).energy.stability;
  } catch (error) {
    if (!(error instanceof FluidizationError)) throw error;
    throw new ConstraintError(`stability: no bubbling structure for the sample with U = ${U} m/s (${error.message}); the stability constraint needs every sample inside the bubbling regime`);
  }
}
