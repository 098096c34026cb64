import { STANDARD_GRAVITY } from './constants.js';
import { FluidizationError } from './errors.js';
import { archimedesNumber } from './minimum-fluidization.js';
import type { Gas, Particles } from './properties.js';

/**
 * Terminal (free-fall) velocity of a single particle, m/s, by Haider & Levenspiel (1989):
 * d* = Ar^(1/3), u* = [18/d*² + (2.335 − 1.744 φs)/√d*]⁻¹, u_t = u* [μg (ρp − ρg) g / ρg²]^(1/3).
 * Source: Haider, A. & Levenspiel, O. (1989) Powder Technol. 58:63–70, as given in Kunii &
 * Levenspiel (1991), ch. 3. The fit covers 0.5 ≤ φs ≤ 1, so lower sphericities are rejected.
 */
export function terminalVelocity(gas: Gas, particles: Particles): number {
  const dStar = Math.cbrt(archimedesNumber(gas, particles));
  const phi = particles.sphericity;
  if (phi < 0.5) {
    throw new FluidizationError('particles.sphericity', phi, '[0.5, 1]', 'range of the Haider–Levenspiel fit');
  }
  const uStar = 1 / (18 / dStar ** 2 + (2.335 - 1.744 * phi) / Math.sqrt(dStar));
  const scale = Math.cbrt((gas.viscosity * (particles.density - gas.density) * STANDARD_GRAVITY) / gas.density ** 2);
  return uStar * scale;
}
