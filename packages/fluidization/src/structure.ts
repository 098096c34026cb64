import { STANDARD_GRAVITY } from './constants.js';
import { FluidizationError } from './errors.js';
import { ergunPressureGradient, ergunSuperficialVelocity, minimumFluidizationVelocityErgun } from './minimum-fluidization.js';
import { bisect, minimizeBounded } from './numerics.js';
import { validateFluidizedBed, type FluidizedBed } from './properties.js';
import { twoPhaseBed } from './two-phase.js';
import { requireAbove, requirePositive } from './validate.js';

/**
 * Drag coefficient of a bubble rising through the emulsion, chosen so that the bubble force balance
 * buoyancy = drag, (ρe − ρg) g = (3/4) C_Db ρe u_b² / d_b, gives u_b = 0.711 √(g d_b) when ρg ≪ ρe
 * (Davidson & Harrison 1963): C_Db = 4 / (3 · 0.711²) ≈ 2.64.
 */
export const BUBBLE_DRAG_COEFFICIENT = 4 / (3 * 0.711 ** 2);

/**
 * Default wake fraction f_w (wake volume per bubble volume). Rowe & Partridge's (1965) X-ray
 * measurements, as plotted in Kunii & Levenspiel (1991, ch. 5), give about 0.2–0.3 for sands of a
 * few hundred µm (0.24 at 300 µm in their worked example); 0.25 is a round value in that band.
 */
export const DEFAULT_WAKE_FRACTION = 0.25;

/** Options of the structure model. */
export interface StructureOptions {
  /**
   * d_b, bubble diameter, m — the bubble-size closure. Default: the bed-averaged Darton diameter
   * of {@link twoPhaseBed} with the Ergun U_mf (the one the emulsion balance implies).
   */
  readonly bubbleDiameter?: number;
  /** f_w in (0, 1): wake volume carried up per unit bubble volume. Default {@link DEFAULT_WAKE_FRACTION}. */
  readonly wakeFraction?: number;
  /**
   * c in [1, 3]: net emulsion gas carried through each bubble, per unit bubble cross-section, in
   * units of U_e, so that U_b = u_b + c·U_e. Default 3, Davidson's throughflow (Davidson & Harrison
   * 1963; the visible bubble flow δ(u_b + 3u_mf) of Kunii & Levenspiel 1991, ch. 6). At ε_e = ε_mf,
   * c = 3, 2, 1 give δ = (U − U_mf)/(u_b + (c − 1) U_mf), the slow- and intermediate-bubble forms of
   * the two-phase bubble fraction; smaller c (fast, cloud-enclosed bubbles) is not supported because
   * δ(ε_e) then stops being monotone.
   */
  readonly throughflowFactor?: number;
}

/** Energy rates per unit mass of particles, W/kg (= m²/s³). */
export interface StructureEnergy {
  /** N_s = (ρp − ρg) g U_e / ρp: gas–particle drag work that suspends the emulsion. */
  readonly suspending: number;
  /** N_t = (ρp − ρg) g f_w δ u_b / ((1 − δ) ρp): lifting the wake solids that bubbles carry up. */
  readonly transporting: number;
  /** N_st = N_s + N_t, the quantity the stability condition minimises. */
  readonly stability: number;
  /** N_T = (ρp − ρg) g U / ρp: all the gas supplies per unit particle mass. */
  readonly total: number;
  /** N_d = N_T − N_st: what bubbles dissipate without suspending or transporting particles. */
  readonly dissipated: number;
}

/** Relative residuals of the balance equations (dimensionless; 0 when a balance holds exactly). */
export interface StructureResiduals {
  /** [U − ((1 − δ) U_e + δ U_b)] / U. */
  readonly gasBalance: number;
  /** [−dp/dz_Ergun(ε_e, U_e) − (1 − ε_e)(ρp − ρg) g] / ((1 − ε_e)(ρp − ρg) g). */
  readonly emulsionForce: number;
  /** [(3/4) C_Db ρe u_b²/d_b − (ρe − ρg) g] / ((ρe − ρg) g). */
  readonly bubbleForce: number;
}

/** The two-phase structure for one value of the free variable ε_e. Velocities in m/s. */
export interface StructureState {
  /** U, superficial gas velocity. */
  readonly superficialVelocity: number;
  /** ε_e, emulsion voidage — the free variable. */
  readonly emulsionVoidage: number;
  /** U_e, superficial gas velocity through the emulsion, per unit emulsion cross-section. */
  readonly emulsionVelocity: number;
  /** δ, bubble volume fraction. */
  readonly bubbleFraction: number;
  /** d_b, bubble diameter, m. */
  readonly bubbleDiameter: number;
  /** u_b, bubble velocity relative to the (on average stationary) emulsion solids. */
  readonly bubbleRiseVelocity: number;
  /** U_b = u_b + c U_e, gas velocity through the bubble phase (rise plus throughflow). */
  readonly bubblePhaseVelocity: number;
  /** f_w used. */
  readonly wakeFraction: number;
  /** c used. */
  readonly throughflowFactor: number;
  /** ε = δ + (1 − δ) ε_e, mean bed voidage. */
  readonly voidage: number;
  readonly energy: StructureEnergy;
  readonly residuals: StructureResiduals;
}

/** The structure that satisfies the stability condition N_st → min. */
export interface StructureSolution extends StructureState {
  /**
   * Feasible range of ε_e: from ε_mf (or, if bubbles would not leave room for their wakes there, the
   * voidage where δ(1 + f_w) = 1) up to the homogeneous voidage where U_e = U and δ = 0.
   */
  readonly bounds: readonly [number, number];
  /**
   * `lower`: the minimum sits on the dense end — at ε_mf this is the two-phase theory (all excess gas
   * in bubbles); `upper`: on the homogeneous end; `null`: interior compromise.
   */
  readonly atBound: 'lower' | 'upper' | null;
}

interface Model {
  readonly system: FluidizedBed;
  readonly superficialVelocity: number;
  readonly bubbleDiameter: number;
  readonly wakeFraction: number;
  readonly throughflowFactor: number;
}

interface Core {
  readonly emulsionVelocity: number;
  readonly emulsionDensity: number;
  readonly rise: number;
  readonly fraction: number;
}

const buoyantWeight = (model: Model) => (model.system.particles.density - model.system.gas.density) * STANDARD_GRAVITY;

/** Solves the three balances for a given ε_e, in closed form (so residuals sit at round-off). */
function core(model: Model, voidage: number): Core {
  const { gas, particles } = model.system;
  const emulsionVelocity = ergunSuperficialVelocity(gas, particles, voidage, (1 - voidage) * buoyantWeight(model));
  const emulsionDensity = (1 - voidage) * particles.density + voidage * gas.density;
  const rise = Math.sqrt(
    (4 * STANDARD_GRAVITY * model.bubbleDiameter * (emulsionDensity - gas.density)) /
      (3 * BUBBLE_DRAG_COEFFICIENT * emulsionDensity),
  );
  // U = (1 − δ) U_e + δ (u_b + c U_e)  ⇒  δ = (U − U_e) / (u_b + (c − 1) U_e).
  const fraction =
    (model.superficialVelocity - emulsionVelocity) / (rise + (model.throughflowFactor - 1) * emulsionVelocity);
  return { emulsionVelocity, emulsionDensity, rise, fraction };
}

function stabilityOf(model: Model, c: Core): number {
  const scale = buoyantWeight(model) / model.system.particles.density;
  return scale * (c.emulsionVelocity + (model.wakeFraction * c.fraction * c.rise) / (1 - c.fraction));
}

function prepare(system: FluidizedBed, superficialVelocity: number, options: StructureOptions): Model {
  validateFluidizedBed(system);
  const { gas, particles, bed } = system;
  const umf = minimumFluidizationVelocityErgun(gas, particles, bed.minFluidizationVoidage);
  requireAbove('superficialVelocity', superficialVelocity, umf, 'm/s', 'bubbling requires U > U_mf (Ergun, ε_mf)');
  const wakeFraction = options.wakeFraction ?? DEFAULT_WAKE_FRACTION;
  // f_w = 0 is excluded: with nothing to transport, N_st is the suspension term alone, which always
  // sits at ε_mf, and the wake-crowding bound δ(1 + f_w) = 1 would put a bubble-filled bed in range.
  if (!(wakeFraction > 0 && wakeFraction < 1)) throw new FluidizationError('wakeFraction', wakeFraction, '(0, 1)');
  const bubbleDiameter =
    options.bubbleDiameter ??
    twoPhaseBed(system, superficialVelocity, { minimumFluidization: 'ergun' }).meanBubbleDiameter;
  requirePositive('bubbleDiameter', bubbleDiameter, 'm');
  const throughflowFactor = options.throughflowFactor ?? 3;
  if (!(throughflowFactor >= 1 && throughflowFactor <= 3)) {
    throw new FluidizationError('throughflowFactor', throughflowFactor, '[1, 3]');
  }
  return { system, superficialVelocity, bubbleDiameter, wakeFraction, throughflowFactor };
}

/** ε_e range on which the balances have a physical solution (see {@link StructureSolution.bounds}). */
function feasibleBounds(model: Model): readonly [number, number] {
  const { gas, particles, bed } = model.system;
  const epsMf = bed.minFluidizationVoidage;
  const almostOne = 1 - 1e-12;
  // Ergun's U_e(ε) rises monotonically but to a finite limit as ε → 1; beyond it no emulsion,
  // however dilute, could carry all the gas and the homogeneous end does not exist.
  const ceiling = ergunSuperficialVelocity(gas, particles, almostOne, (1 - almostOne) * buoyantWeight(model));
  if (!(model.superficialVelocity < ceiling)) {
    const umf = minimumFluidizationVelocityErgun(gas, particles, epsMf);
    throw new FluidizationError(
      'superficialVelocity',
      model.superficialVelocity,
      `(${umf}, ${ceiling}) m/s`,
      'above the Ergun limit no homogeneous emulsion carries the gas; the bed is beyond bubbling',
    );
  }
  const upper = bisect((e) => core(model, e).emulsionVelocity - model.superficialVelocity, epsMf, almostOne);
  const crowding = (e: number) => core(model, e).fraction * (1 + model.wakeFraction) - 1;
  const lower = crowding(epsMf) < 0 ? epsMf : bisect(crowding, epsMf, upper);
  return [lower, upper];
}

function stateOf(model: Model, voidage: number): StructureState {
  const c = core(model, voidage);
  const { gas, particles } = model.system;
  const U = model.superficialVelocity;
  const weight = (1 - voidage) * buoyantWeight(model);
  const bubblePhaseVelocity = c.rise + model.throughflowFactor * c.emulsionVelocity;
  const scale = buoyantWeight(model) / particles.density;
  const suspending = scale * c.emulsionVelocity;
  const stability = stabilityOf(model, c);
  const total = scale * U;
  const bubbleBuoyancy = (c.emulsionDensity - gas.density) * STANDARD_GRAVITY;
  return {
    superficialVelocity: U,
    emulsionVoidage: voidage,
    emulsionVelocity: c.emulsionVelocity,
    bubbleFraction: c.fraction,
    bubbleDiameter: model.bubbleDiameter,
    bubbleRiseVelocity: c.rise,
    bubblePhaseVelocity,
    wakeFraction: model.wakeFraction,
    throughflowFactor: model.throughflowFactor,
    voidage: c.fraction + (1 - c.fraction) * voidage,
    energy: { suspending, transporting: stability - suspending, stability, total, dissipated: total - stability },
    residuals: {
      gasBalance: (U - ((1 - c.fraction) * c.emulsionVelocity + c.fraction * bubblePhaseVelocity)) / U,
      emulsionForce: (ergunPressureGradient(gas, particles, voidage, c.emulsionVelocity) - weight) / weight,
      bubbleForce:
        ((0.75 * BUBBLE_DRAG_COEFFICIENT * c.emulsionDensity * c.rise ** 2) / model.bubbleDiameter - bubbleBuoyancy) /
        bubbleBuoyancy,
    },
  };
}

/**
 * The structure for a given emulsion voidage ε_e (the model's one degree of freedom), with the
 * balances solved and their residuals. Lets a caller — e.g. a training constraint — evaluate N_st
 * away from the optimum. Throws a {@link FluidizationError} if ε_e is outside the feasible range.
 */
export function structureState(
  system: FluidizedBed,
  superficialVelocity: number,
  emulsionVoidage: number,
  options: StructureOptions = {},
): StructureState {
  const model = prepare(system, superficialVelocity, options);
  const [lower, upper] = feasibleBounds(model);
  if (!(emulsionVoidage >= lower && emulsionVoidage <= upper)) {
    throw new FluidizationError(
      'emulsionVoidage',
      emulsionVoidage,
      `[${lower}, ${upper}]`,
      'between the dense (ε_mf or wake-crowding) and homogeneous ends',
    );
  }
  return stateOf(model, emulsionVoidage);
}

/**
 * Solves the two-phase (emulsion + bubble) structure model: balances for a given ε_e in closed
 * form, then golden-section search over ε_e for the stability condition N_st → min. See the
 * package README for the equations, their sources and the assumptions.
 */
export function solveStructure(
  system: FluidizedBed,
  superficialVelocity: number,
  options: StructureOptions = {},
): StructureSolution {
  const model = prepare(system, superficialVelocity, options);
  const bounds = feasibleBounds(model);
  const best = minimizeBounded((e) => stabilityOf(model, core(model, e)), bounds[0], bounds[1]);
  return { ...stateOf(model, best.x), bounds, atBound: best.atBound };
}
