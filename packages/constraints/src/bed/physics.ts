import * as tf from '@tensorflow/tfjs-core';
import { STANDARD_GRAVITY } from '@mgdl/fluidization';
import type { BedInputs } from './layout.js';

/*
 * Differentiable (tf) versions of the @mgdl/fluidization formulas the bed constraints need. Each
 * argument is a per-sample tensor [b] or a scalar; the tests compare them with the plain-number
 * functions of @mgdl/fluidization.
 */

/** Buoyant weight per unit solids volume, (ρp − ρg) g, Pa/m. */
export const buoyantWeight = (p: BedInputs): tf.Tensor => tf.mul(tf.sub(p.particleDensity, p.gasDensity), STANDARD_GRAVITY);

/**
 * Ergun (1952) frictional pressure gradient, Pa/m, in the sphericity form of Kunii & Levenspiel
 * (1991, ch. 3): −dp/dz = 150 μ (1−ε)² U/(ε³ φs² dp²) + 1.75 ρg (1−ε) U²/(ε³ φs dp).
 */
export function ergunPressureGradient(p: BedInputs, voidage: tf.Tensor, velocity: tf.Tensor): tf.Tensor {
  const solids = tf.sub(1, voidage);
  const e3 = tf.pow(voidage, 3);
  const phiDp = tf.mul(p.particleSphericity, p.particleDiameter);
  const viscous = tf.div(tf.mul(tf.mul(150, p.gasViscosity), tf.mul(tf.square(solids), velocity)), tf.mul(e3, tf.square(phiDp)));
  const inertial = tf.div(tf.mul(tf.mul(1.75, p.gasDensity), tf.mul(solids, tf.square(velocity))), tf.mul(e3, phiDp));
  return tf.add(viscous, inertial);
}

/** Gas balance residual [U − ((1 − δ) U_e + δ (u_b + c U_e))] / U, as `StructureResiduals.gasBalance`. */
export function gasBalanceResidual(U: tf.Tensor, emulsionVelocity: tf.Tensor, fraction: tf.Tensor, rise: tf.Tensor, throughflow: number): tf.Tensor {
  const bubblePhase = tf.add(rise, tf.mul(throughflow, emulsionVelocity));
  const carried = tf.add(tf.mul(tf.sub(1, fraction), emulsionVelocity), tf.mul(fraction, bubblePhase));
  return tf.div(tf.sub(U, carried), U);
}

/** Emulsion force balance residual [−dp/dz_Ergun(ε_e, U_e) − (1 − ε_e)(ρp − ρg) g] / ((1 − ε_e)(ρp − ρg) g), as `StructureResiduals.emulsionForce`. */
export function emulsionForceResidual(p: BedInputs, voidage: tf.Tensor, emulsionVelocity: tf.Tensor): tf.Tensor {
  const weight = tf.mul(tf.sub(1, voidage), buoyantWeight(p));
  return tf.div(tf.sub(ergunPressureGradient(p, voidage, emulsionVelocity), weight), weight);
}

/**
 * N_st = (ρp − ρg) g / ρp · (U_e + f_w δ u_b / (1 − δ)), W/kg: suspending plus wake transport, the
 * quantity the stability condition minimises (`StructureEnergy.stability`).
 */
export function stabilityEnergy(p: BedInputs, emulsionVelocity: tf.Tensor, fraction: tf.Tensor, rise: tf.Tensor, wakeFraction: number): tf.Tensor {
  const transport = tf.div(tf.mul(wakeFraction, tf.mul(fraction, rise)), tf.sub(1, fraction));
  return tf.mul(tf.div(buoyantWeight(p), p.particleDensity), tf.add(emulsionVelocity, transport));
}

/** N_T = (ρp − ρg) g U / ρp, W/kg: all the gas supplies (the scale N_st is compared on). */
export const totalEnergy = (p: BedInputs): tf.Tensor => tf.mul(tf.div(buoyantWeight(p), p.particleDensity), p.superficialVelocity);
