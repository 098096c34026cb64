import { describe, expect, it } from 'vitest';
import {
  FluidizationError,
  minimumFluidizationVelocityErgun,
  solveStructure,
  structureState,
  twoPhaseBed,
  type StructureState,
} from '../src/index.js';
import { relative, sand } from './fixtures.js';

const expectBalanced = (state: StructureState) => {
  for (const residual of Object.values(state.residuals)) expect(Math.abs(residual)).toBeLessThan(1e-8);
};

/** W_st per unit bed volume, W/m³: N_st times the particle mass per unit volume. */
const suspensionPower = (s: StructureState) => s.energy.stability * (1 - s.voidage) * sand.particles.density;

describe('structure model at an interior compromise (U = 0.8 m/s ≈ 4 U_mf, d_b = 0.1 m)', () => {
  const U = 0.8;
  const options = { bubbleDiameter: 0.1 };
  const solution = solveStructure(sand, U, options);

  it('lands strictly inside the feasible range', () => {
    expect(solution.atBound).toBeNull();
    expect(solution.emulsionVoidage).toBeGreaterThan(solution.bounds[0]);
    expect(solution.emulsionVoidage).toBeLessThan(solution.bounds[1]);
  });

  it('satisfies the gas, emulsion-force and bubble-force balances', () => {
    expectBalanced(solution);
  });

  it('is a minimum of N_st: perturbing ε_e either way (balances re-solved) raises N_st', () => {
    for (const step of [1e-3, 1e-2]) {
      for (const sign of [-1, 1]) {
        const moved = structureState(sand, U, solution.emulsionVoidage + sign * step, options);
        expectBalanced(moved);
        expect(moved.energy.stability).toBeGreaterThan(solution.energy.stability);
      }
    }
  });

  it('agrees with the closed-form optimum U_e* = [√(f_w u_b (u_b + (c − 1)U)) − u_b + U]/c', () => {
    // With u_b taken as independent of ε_e (it varies only through ρg/ρe ~ 1e-3), dN_st/dU_e = 0 gives this.
    for (const c of [3, 2, 1]) {
      const s = c === 3 ? solution : solveStructure(sand, U, { ...options, throughflowFactor: c });
      expect(s.atBound).toBeNull();
      const ub = s.bubbleRiseVelocity;
      const closedForm = (Math.sqrt(s.wakeFraction * ub * (ub + (c - 1) * U)) - ub + U) / c;
      expect(relative(s.emulsionVelocity, closedForm)).toBeLessThan(1e-3);
      expectBalanced(s);
    }
  });

  it('keeps its energy book: N_st = N_s + N_t ≤ N_T, and N_d = N_T − N_st ≥ 0', () => {
    const { suspending, transporting, stability, total, dissipated } = solution.energy;
    expect(relative(suspending + transporting, stability)).toBeLessThan(1e-12);
    expect(stability).toBeLessThan(total);
    expect(dissipated).toBeGreaterThan(0);
    expect(relative(stability + dissipated, total)).toBeLessThan(1e-12);
  });

  it('reaches the homogeneous limit at the upper bound: δ = 0, U_e = U, N_st = N_T', () => {
    const homogeneous = structureState(sand, U, solution.bounds[1], options);
    expect(Math.abs(homogeneous.bubbleFraction)).toBeLessThan(1e-9);
    expect(relative(homogeneous.emulsionVelocity, U)).toBeLessThan(1e-9);
    expect(relative(homogeneous.energy.stability, homogeneous.energy.total)).toBeLessThan(1e-9);
  });

  it('is a compromise: W_st → min alone picks the dense end, ε → min alone the homogeneous end', () => {
    const dense = structureState(sand, U, solution.bounds[0], options);
    const homogeneous = structureState(sand, U, solution.bounds[1], options);
    expect(suspensionPower(dense)).toBeLessThan(suspensionPower(homogeneous));
    expect(homogeneous.voidage).toBeLessThan(dense.voidage);
    expect(solution.energy.stability).toBeLessThan(Math.min(dense.energy.stability, homogeneous.energy.stability));
  });
});

describe('structure model across regimes', () => {
  it('reduces to the two-phase theory near U_mf: ε_e = ε_mf and U_e = U_mf on the lower bound', () => {
    const s = solveStructure(sand, 0.25, { bubbleDiameter: 0.1 });
    expect(s.atBound).toBe('lower');
    expect(s.emulsionVoidage).toBe(0.42);
    const umf = minimumFluidizationVelocityErgun(sand.gas, sand.particles, 0.42);
    expect(relative(s.emulsionVelocity, umf)).toBeLessThan(1e-12);
    expectBalanced(s);
  });

  it('expands the emulsion and grows the bubble fraction as U rises (closure by correlation)', () => {
    const solutions = [0.25, 0.4, 0.6, 0.8, 1.0, 1.2].map((u) => solveStructure(sand, u));
    for (let i = 1; i < solutions.length; i++) {
      expect(solutions[i]!.emulsionVoidage).toBeGreaterThanOrEqual(solutions[i - 1]!.emulsionVoidage);
      expect(solutions[i]!.bubbleFraction).toBeGreaterThan(solutions[i - 1]!.bubbleFraction);
    }
    expect(solutions.at(-1)!.atBound).toBeNull();
    for (const s of solutions) {
      expectBalanced(s);
      expect(s.energy.stability).toBeLessThanOrEqual(s.energy.total);
    }
  });

  it('closes d_b by default with the bed-averaged Darton diameter (Ergun U_mf)', () => {
    const s = solveStructure(sand, 0.6);
    expect(s.bubbleDiameter).toBe(twoPhaseBed(sand, 0.6, { minimumFluidization: 'ergun' }).meanBubbleDiameter);
  });
});

describe('structure model validation', () => {
  const catchError = (f: () => unknown): FluidizationError => {
    try {
      f();
    } catch (error) {
      if (error instanceof FluidizationError) return error;
      throw error;
    }
    throw new Error('expected a FluidizationError');
  };

  it('needs U above the Ergun U_mf', () => {
    const error = catchError(() => solveStructure(sand, 0.195, { bubbleDiameter: 0.1 }));
    expect(error.field).toBe('superficialVelocity');
    expect(error.value).toBe(0.195);
    expect(error.range).toMatch(/^\(0\.1989\d+, ∞\) m\/s$/);
  });

  it('rejects an emulsion voidage outside the feasible range, naming the range', () => {
    const error = catchError(() => structureState(sand, 0.8, 0.41, { bubbleDiameter: 0.1 }));
    expect(error.field).toBe('emulsionVoidage');
    expect(error.range).toMatch(/^\[0\.42, 0\.6\d+\]$/);
  });

  it('rejects wake fractions outside (0, 1), non-positive bubble diameters and throughflow factors outside [1, 3]', () => {
    expect(catchError(() => solveStructure(sand, 0.8, { wakeFraction: 0 })).field).toBe('wakeFraction');
    expect(catchError(() => solveStructure(sand, 0.8, { bubbleDiameter: -0.1 })).field).toBe('bubbleDiameter');
    expect(catchError(() => solveStructure(sand, 0.8, { throughflowFactor: 0 })).range).toBe('[1, 3]');
  });

  it('rejects gas velocities beyond the Ergun limit of a homogeneous emulsion', () => {
    expect(catchError(() => solveStructure(sand, 5, { bubbleDiameter: 0.1 })).field).toBe('superficialVelocity');
  });
});
