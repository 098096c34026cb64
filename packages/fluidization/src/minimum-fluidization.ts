import { STANDARD_GRAVITY } from './constants.js';
import { validateFluidizedBed, validateGas, validateParticles, type FluidizedBed, type Gas, type Particles } from './properties.js';
import { requireNonNegative, requireOpenFraction } from './validate.js';

/**
 * Archimedes number Ar = g dp³ ρg (ρp − ρg) / μg² (dimensionless): buoyant weight over viscous
 * force squared, the single group both U_mf correlations below are written in.
 */
export function archimedesNumber(gas: Gas, particles: Particles): number {
  validateGas(gas);
  validateParticles(particles, gas);
  const { density: rhoG, viscosity: mu } = gas;
  return (STANDARD_GRAVITY * particles.diameter ** 3 * rhoG * (particles.density - rhoG)) / mu ** 2;
}

/** U = Re μg / (ρg dp), m/s: converts a particle Reynolds number back to a superficial velocity. */
function velocityFromReynolds(gas: Gas, particles: Particles, reynolds: number): number {
  return (reynolds * gas.viscosity) / (gas.density * particles.diameter);
}

/**
 * Minimum fluidization velocity by Wen & Yu (1966), m/s:
 * Re_mf = √(C1² + C2·Ar) − C1 with C1 = 33.7, C2 = 0.0408.
 * Source: Wen, C.Y. & Yu, Y.H. (1966) "A generalized method for predicting the minimum fluidization
 * velocity", AIChE J. 12(3):610–612. The constants stand in for Ergun's with 1/(φs ε_mf³) ≈ 14 and
 * (1 − ε_mf)/(φs² ε_mf³) ≈ 11, so no ε_mf or φs is needed.
 */
export function minimumFluidizationVelocityWenYu(gas: Gas, particles: Particles): number {
  const c1 = 33.7;
  const c2 = 0.0408;
  const reynolds = Math.sqrt(c1 * c1 + c2 * archimedesNumber(gas, particles)) - c1;
  return velocityFromReynolds(gas, particles, reynolds);
}

function requireVoidage(voidage: number): void {
  requireOpenFraction('voidage', voidage);
}

/**
 * Ergun's frictional pressure gradient through a packed or fluidized array of particles, Pa/m:
 * −dp/dz = 150 μg (1−ε)² U / (ε³ φs² dp²) + 1.75 ρg (1−ε) U² / (ε³ φs dp),
 * with U the superficial gas velocity relative to the particles.
 * Source: Ergun, S. (1952) Chem. Eng. Prog. 48:89–94, in the sphericity form of Kunii & Levenspiel
 * (1991) "Fluidization Engineering", 2nd ed., ch. 3.
 */
export function ergunPressureGradient(gas: Gas, particles: Particles, voidage: number, superficialVelocity: number): number {
  requireVoidage(voidage);
  requireNonNegative('superficialVelocity', superficialVelocity, 'm/s');
  const { viscous, inertial } = ergunCoefficients(gas, particles, voidage);
  return viscous * superficialVelocity + inertial * superficialVelocity ** 2;
}

/** Coefficients b, a of Ergun's −dp/dz = b·U + a·U² at a given voidage. */
function ergunCoefficients(gas: Gas, particles: Particles, voidage: number): { viscous: number; inertial: number } {
  const { diameter: dp, sphericity: phi } = particles;
  const e3 = voidage ** 3;
  return {
    viscous: (150 * gas.viscosity * (1 - voidage) ** 2) / (e3 * phi * phi * dp * dp),
    inertial: (1.75 * gas.density * (1 - voidage)) / (e3 * phi * dp),
  };
}

/**
 * Inverse of {@link ergunPressureGradient}: the superficial velocity, m/s, that produces the given
 * pressure gradient (Pa/m) at the given voidage. Solves a·U² + b·U − G = 0 in the cancellation-free
 * form U = 2G / (b + √(b² + 4aG)).
 */
export function ergunSuperficialVelocity(gas: Gas, particles: Particles, voidage: number, pressureGradient: number): number {
  requireVoidage(voidage);
  requireNonNegative('pressureGradient', pressureGradient, 'Pa/m');
  const { viscous: b, inertial: a } = ergunCoefficients(gas, particles, voidage);
  return (2 * pressureGradient) / (b + Math.sqrt(b * b + 4 * a * pressureGradient));
}

/**
 * Minimum fluidization velocity from the Ergun equation, m/s: the velocity at which the Ergun
 * pressure gradient at ε_mf equals the buoyant bed weight (1 − ε_mf)(ρp − ρg) g. Written in
 * Reynolds numbers it is the quadratic 1.75/(ε_mf³ φs)·Re² + 150(1−ε_mf)/(ε_mf³ φs²)·Re = Ar
 * (Kunii & Levenspiel 1991, ch. 3), solved here in velocity form.
 */
export function minimumFluidizationVelocityErgun(gas: Gas, particles: Particles, minFluidizationVoidage: number): number {
  validateGas(gas);
  validateParticles(particles, gas);
  requireOpenFraction('minFluidizationVoidage', minFluidizationVoidage);
  const weight = (1 - minFluidizationVoidage) * (particles.density - gas.density) * STANDARD_GRAVITY;
  return ergunSuperficialVelocity(gas, particles, minFluidizationVoidage, weight);
}

/** Which U_mf correlation to use: Wen–Yu (no ε_mf, φs needed) or Ergun (uses the bed's ε_mf and φs). */
export type MinimumFluidizationMethod = 'wen-yu' | 'ergun';

/** U_mf of a bed, m/s, by the chosen correlation. */
export function minimumFluidizationVelocity(system: FluidizedBed, method: MinimumFluidizationMethod = 'wen-yu'): number {
  validateFluidizedBed(system);
  return method === 'wen-yu'
    ? minimumFluidizationVelocityWenYu(system.gas, system.particles)
    : minimumFluidizationVelocityErgun(system.gas, system.particles, system.bed.minFluidizationVoidage);
}
