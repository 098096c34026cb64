import { bubbleDiameter, bubbleVelocity, type BubbleSizeCorrelation } from './bubbles.js';
import { FluidizationError } from './errors.js';
import { minimumFluidizationVelocity, type MinimumFluidizationMethod } from './minimum-fluidization.js';
import type { FluidizedBed } from './properties.js';
import { bisect, simpson } from './numerics.js';
import { requireAbove, requireOpenFraction, requirePositive } from './validate.js';

/**
 * Bubble volume fraction by the two-phase theory, δ = (U − U_mf)/u_b with u_b = `ub`, m/s (Kunii & Levenspiel 1991,
 * ch. 6): the emulsion carries U_mf, all excess gas rises as bubbles at u_b. Needs u_b > U − U_mf,
 * which u_b = U − U_mf + u_br always satisfies.
 */
export function bubbleFraction(superficialVelocity: number, minFluidizationVelocity: number, ub: number): number {
  requirePositive('minFluidizationVelocity', minFluidizationVelocity, 'm/s');
  requireAbove('superficialVelocity', superficialVelocity, minFluidizationVelocity, 'm/s', 'bubbling requires U > U_mf');
  const excess = superficialVelocity - minFluidizationVelocity;
  requireAbove('bubbleVelocity', ub, excess, 'm/s', 'bubbles must outrun the excess gas (δ < 1)');
  return excess / ub;
}

function requireBubbleFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction < 1)) throw new FluidizationError('bubbleFraction', fraction, '[0, 1)');
}

/** Bed expansion H/H_mf = 1/(1 − δ): the emulsion keeps its H_mf worth of height, bubbles add the rest. */
export function bedExpansionRatio(bubbleFraction: number): number {
  requireBubbleFraction(bubbleFraction);
  return 1 / (1 - bubbleFraction);
}

/** Mean bed voidage ε = 1 − (1 − ε_mf)(1 − δ) with the emulsion at ε_mf and solids-free bubbles. */
export function bedVoidage(bubbleFraction: number, minFluidizationVoidage: number): number {
  requireBubbleFraction(bubbleFraction);
  requireOpenFraction('minFluidizationVoidage', minFluidizationVoidage);
  return 1 - (1 - minFluidizationVoidage) * (1 - bubbleFraction);
}

/** Options of {@link twoPhaseBed}. */
export interface TwoPhaseOptions {
  /** U_mf correlation, default `wen-yu`. */
  readonly minimumFluidization?: MinimumFluidizationMethod;
  /** Bubble growth correlation, default `darton`. */
  readonly bubbleSize?: BubbleSizeCorrelation;
}

/** Bed-averaged two-phase-theory state of a bubbling bed. Heights in m, velocities in m/s. */
export interface TwoPhaseBed {
  readonly minimumFluidizationVelocity: number;
  /** H, expanded bed height, m. */
  readonly expandedHeight: number;
  /** H/H_mf. */
  readonly expansionRatio: number;
  /** δ̄ = (1/H)∫₀^H δ(h) dh = 1 − H_mf/H. */
  readonly meanBubbleFraction: number;
  /** (1/H)∫₀^H d_b(h) dh, m. */
  readonly meanBubbleDiameter: number;
  /** (1/H)∫₀^H u_b(h) dh, m/s. */
  readonly meanBubbleVelocity: number;
  /** ε̄ = 1 − (1 − ε_mf) H_mf/H. */
  readonly meanVoidage: number;
}

/**
 * Two-phase theory averaged over the height of the bed. Bubbles grow with height (Darton or
 * Mori–Wen), so δ(h) = (U − U_mf)/u_b(h) falls with height; the expanded height H follows from the
 * emulsion keeping its volume, ∫₀^H (1 − δ(h)) dh = H_mf (H_mf = the static height, see {@link Bed}),
 * which is H/H_mf = 1/(1 − δ̄) in averaged form. Solved by bisection on H, integrals by Simpson.
 */
export function twoPhaseBed(system: FluidizedBed, superficialVelocity: number, options: TwoPhaseOptions = {}): TwoPhaseBed {
  const umf = minimumFluidizationVelocity(system, options.minimumFluidization);
  requireAbove('superficialVelocity', superficialVelocity, umf, 'm/s', 'bubbling requires U > U_mf');
  const correlation = options.bubbleSize ?? 'darton';
  const excess = superficialVelocity - umf;
  const { bed } = system;
  const heightMf = bed.staticHeight;
  const diameterAt = (h: number) => bubbleDiameter(correlation, excess, h, bed);
  // A zero-size bubble at a porous plate (Darton, h = 0) would stand still: δ → 1 there, an
  // integrable end point, so the fraction is taken as 1 rather than dividing by u_br = 0.
  const fractionAt = (h: number) => {
    const d = diameterAt(h);
    return d > 0 ? bubbleFraction(superficialVelocity, umf, bubbleVelocity(superficialVelocity, umf, d)) : 1;
  };
  const emulsionDeficit = (height: number) => height - simpson(fractionAt, 0, height) - heightMf;
  let upper = 2 * heightMf;
  while (emulsionDeficit(upper) < 0) upper *= 2;
  const height = bisect(emulsionDeficit, heightMf, upper, 1e-12);
  const mean = (f: (h: number) => number) => simpson(f, 0, height) / height;
  const meanFraction = 1 - heightMf / height;
  return {
    minimumFluidizationVelocity: umf,
    expandedHeight: height,
    expansionRatio: height / heightMf,
    meanBubbleFraction: meanFraction,
    meanBubbleDiameter: mean(diameterAt),
    meanBubbleVelocity: mean((h) => {
      const d = diameterAt(h);
      return d > 0 ? bubbleVelocity(superficialVelocity, umf, d) : excess;
    }),
    meanVoidage: bedVoidage(meanFraction, bed.minFluidizationVoidage),
  };
}
