import { xoshiro128ss } from '@mgdl/random';
import { BubbleColumn } from './bubble-column.js';
import { bubbleRiseVelocity, dartonBubbleDiameter, moriWenInitialBubbleDiameter } from './bubbles.js';
import { FluidizationError } from './errors.js';
import { minimumFluidizationVelocity, type MinimumFluidizationMethod } from './minimum-fluidization.js';
import { Probes, type ProbeSeries } from './probes.js';
import { columnArea, validateFluidizedBed, type FluidizedBed } from './properties.js';
import { requireAbove, requireNonNegative, requirePositive } from './validate.js';

/** Default spread σ of ln d_b around the correlation: a modelling choice, not a fitted value. */
export const DEFAULT_SIZE_SPREAD = 0.3;

/** Options of {@link simulateBubblingBed}. */
export interface SimulationOptions {
  /** Seed of the random stream; the same seed gives a bit-identical series. */
  readonly seed: number;
  /** Number of samples to record (after the warm-up). */
  readonly steps: number;
  /** Δt, the time step and sampling interval, s. Default 0.01. */
  readonly timeStep?: number;
  /** Heights of the measuring slabs / pressure taps above the distributor, m. Default H_mf × 0.2, 0.4, 0.6, 0.8. */
  readonly probeHeights?: readonly number[];
  /** Thickness of each voidage-measuring slab, m. Default H_mf/20. Each slab must lie above the distributor. */
  readonly probeThickness?: number;
  /** σ, standard deviation of ln(d_b / d̄_b) of bubbles at birth. Default {@link DEFAULT_SIZE_SPREAD}. */
  readonly sizeSpread?: number;
  /** U_mf correlation, default `wen-yu`. */
  readonly minimumFluidization?: MinimumFluidizationMethod;
  /** Simulated time discarded before recording, s. Default: twice the time a newborn bubble needs to cross H_mf. */
  readonly warmUpTime?: number;
}

export type { ProbeSeries };

/** The system-evolution time series of a simulated bubbling bed, one entry per Δt. */
export interface BubblingBedSeries {
  readonly timeStep: number;
  /** Time since the end of the warm-up, s. */
  readonly time: Float64Array;
  /** H(t) = H_mf + (bubble volume in the bed)/A, m. */
  readonly bedHeight: Float64Array;
  /** δ(t) = bubble volume / bed volume. */
  readonly bubbleFraction: Float64Array;
  readonly probes: readonly ProbeSeries[];
  readonly stats: {
    readonly minimumFluidizationVelocity: number;
    /** λ, bubbles born per second at the distributor. */
    readonly birthRate: number;
    readonly born: number;
    /** Bubbles merged into neighbours on the way up. */
    readonly absorbed: number;
    /** Bubbles that reached the surface. */
    readonly erupted: number;
  };
}

/**
 * Seeded stochastic simulation of a bubbling bed (a one-dimensional, cross-section-averaged model;
 * see the README for the assumptions):
 * - bubbles are born at the distributor as a Poisson process in time, with diameters lognormal
 *   around the correlation (E[d³] = d̄³, so the mean volume follows it);
 * - a bubble grows with height by Darton et al. (1977), d = s·d̄(h), and rises at
 *   u_b = U − U_mf + 0.711 √(g d) (Davidson & Harrison 1963);
 * - coalescence: Darton's growth is growth by coalescence, so bubbles are absorbed on the way up
 *   at the rate that keeps the mean bubble-gas flow at (U − U_mf)·A at every height — the two-phase
 *   theory — which gives each bubble a survival probability (d̄(0)/d̄(h))³;
 * - a bubble erupts (leaves) when no emulsion is left above it.
 * The emulsion stays at ε_mf; the bed height, local voidages and pressures follow from where the
 * bubbles are. Pressure is quasi-static (weight of what lies above a tap), so it carries the bubbles'
 * passage but not pressure waves.
 */
export function simulateBubblingBed(
  system: FluidizedBed,
  superficialVelocity: number,
  options: SimulationOptions,
): BubblingBedSeries {
  validateFluidizedBed(system);
  const { steps } = options;
  if (!(Number.isSafeInteger(steps) && steps > 0)) throw new FluidizationError('steps', steps, 'integers in [1, 2⁵³)');
  if (!Number.isSafeInteger(options.seed)) throw new FluidizationError('seed', options.seed, 'safe integers');
  const dt = options.timeStep ?? 0.01;
  requirePositive('timeStep', dt, 's');
  const sizeSpread = options.sizeSpread ?? DEFAULT_SIZE_SPREAD;
  requireNonNegative('sizeSpread', sizeSpread, '(dimensionless)');
  const { bed, gas, particles } = system;
  const heightMf = bed.staticHeight;
  const thickness = options.probeThickness ?? heightMf / 20;
  requirePositive('probeThickness', thickness, 'm');
  const probeHeights = options.probeHeights ?? [0.2, 0.4, 0.6, 0.8].map((f) => f * heightMf);
  probeHeights.forEach((h, i) => {
    if (!(h >= thickness / 2 && Number.isFinite(h))) {
      throw new FluidizationError(`probeHeights[${i}]`, h, `[${thickness / 2}, ∞) m`, 'the slab must lie above the distributor');
    }
  });
  const umf = minimumFluidizationVelocity(system, options.minimumFluidization);
  requireAbove('superficialVelocity', superficialVelocity, umf, 'm/s', 'bubbling requires U > U_mf');

  const excessVelocity = superficialVelocity - umf;
  const area = columnArea(bed);
  // Darton's d̄(h) = k (h + h0)^0.8, k being its value at unit effective height. h0 = 4√A0 for a
  // perforated plate; a porous plate has h0 → 0 and zero-size newborns, so there the virtual origin
  // is put where Darton's law reaches the porous-plate initial size of Kunii & Levenspiel.
  const growthCoefficient = dartonBubbleDiameter(excessVelocity, 1, 0);
  const areaPerOrifice = bed.distributorAreaPerOrifice;
  const origin =
    areaPerOrifice > 0
      ? 4 * Math.sqrt(areaPerOrifice)
      : (moriWenInitialBubbleDiameter(excessVelocity, 0) / growthCoefficient) ** 1.25;
  const column = new BubbleColumn({
    excessVelocity,
    area,
    heightMf,
    growthCoefficient,
    origin,
    sizeSpread,
    random: xoshiro128ss(options.seed),
  });
  const warmUp = options.warmUpTime ?? (2 * heightMf) / (excessVelocity + bubbleRiseVelocity(column.birthDiameter));
  requireNonNegative('warmUpTime', warmUp, 's');
  for (let s = Math.ceil(warmUp / dt); s > 0; s--) column.advance(dt);

  const probes = new Probes(probeHeights, steps, {
    thickness,
    area,
    solidsFraction: 1 - bed.minFluidizationVoidage,
    buoyantDensity: particles.density - gas.density,
    gasDensity: gas.density,
  });
  const time = new Float64Array(steps);
  const bedHeight = new Float64Array(steps);
  const bubbleFraction = new Float64Array(steps);
  const start = column.now;
  for (let step = 0; step < steps; step++) {
    column.advance(dt);
    time[step] = column.now - start;
    bedHeight[step] = column.bedHeight;
    bubbleFraction[step] = column.bubbleVolume / (area * column.bedHeight);
    probes.record(step, column.bubbles, column.bedHeight);
  }
  return {
    timeStep: dt,
    time,
    bedHeight,
    bubbleFraction,
    probes: probes.series,
    stats: { minimumFluidizationVelocity: umf, birthRate: column.birthRate, ...column.counts },
  };
}
