import { FluidizationError } from './errors.js';
import { requireNonNegative, requireOpenFraction, requirePositive } from './validate.js';

/** The fluidizing gas. SI units. */
export interface Gas {
  /** ρg, gas density, kg/m³ (air at 20 °C and 1 atm: 1.204). */
  readonly density: number;
  /** μg, dynamic viscosity, Pa·s (air at 20 °C: 1.81e-5). */
  readonly viscosity: number;
}

/** The bed material, taken as one size (monodisperse). SI units. */
export interface Particles {
  /** dp, particle diameter, m (use the volume-equivalent or mean sieve size). */
  readonly diameter: number;
  /** ρp, particle (skeletal) density, kg/m³; must exceed the gas density. */
  readonly density: number;
  /** φs, sphericity in (0, 1]: surface of the equal-volume sphere / particle surface (round sand ≈ 0.86). */
  readonly sphericity: number;
}

/** The column, its charge and its distributor. SI units. */
export interface Bed {
  /** D, column (inner) diameter, m. */
  readonly columnDiameter: number;
  /**
   * H0, static bed height, m. The settled bed is taken to be at ε_mf, so H0 is also the bed height
   * at minimum fluidization H_mf (an assumption: a tapped bed is a little denser than ε_mf).
   */
  readonly staticHeight: number;
  /** ε_mf, bed voidage at minimum fluidization, in (0, 1) (sands: about 0.40–0.48). */
  readonly minFluidizationVoidage: number;
  /**
   * A0, distributor area per orifice, m² (Darton et al. 1977): column area / number of orifices for a
   * perforated plate; 0 for a porous plate, whose "h0 = 4√A0 is effectively zero" (Darton et al.).
   */
  readonly distributorAreaPerOrifice: number;
}

/** Everything that defines a bubbling bed apart from the gas flow rate. */
export interface FluidizedBed {
  readonly gas: Gas;
  readonly particles: Particles;
  readonly bed: Bed;
}

export function validateGas(gas: Gas, path = 'gas'): void {
  requirePositive(`${path}.density`, gas.density, 'kg/m³');
  requirePositive(`${path}.viscosity`, gas.viscosity, 'Pa·s');
}

export function validateParticles(particles: Particles, gas: Gas, path = 'particles'): void {
  requirePositive(`${path}.diameter`, particles.diameter, 'm');
  requirePositive(`${path}.density`, particles.density, 'kg/m³');
  // Buoyant weight (ρp − ρg) g is what the gas must carry; without it nothing fluidizes.
  if (!(particles.density > gas.density)) {
    throw new FluidizationError(
      `${path}.density`,
      particles.density,
      `(${gas.density}, ∞) kg/m³`,
      'particles must be denser than the gas',
    );
  }
  const phi = particles.sphericity;
  if (!(phi > 0 && phi <= 1)) throw new FluidizationError(`${path}.sphericity`, phi, '(0, 1]');
}

export function validateBed(bed: Bed, path = 'bed'): void {
  requirePositive(`${path}.columnDiameter`, bed.columnDiameter, 'm');
  requirePositive(`${path}.staticHeight`, bed.staticHeight, 'm');
  requireOpenFraction(`${path}.minFluidizationVoidage`, bed.minFluidizationVoidage);
  requireNonNegative(`${path}.distributorAreaPerOrifice`, bed.distributorAreaPerOrifice, 'm²');
}

/** Throws a {@link FluidizationError} for the first non-physical field, in declaration order. */
export function validateFluidizedBed(system: FluidizedBed): void {
  validateGas(system.gas);
  validateParticles(system.particles, system.gas);
  validateBed(system.bed);
}

/** Column cross-section A = πD²/4, m². */
export function columnArea(bed: Bed): number {
  return (Math.PI / 4) * bed.columnDiameter ** 2;
}
