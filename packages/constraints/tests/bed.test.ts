import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { ergunPressureGradient, solveStructure, structureState } from '@mgdl/fluidization';
import { bedConstraints, bedPhysics, ConstraintError, type BedLayout, type Constraint } from '../src/index.js';
import { resolveLayout } from '../src/bed/layout.js';
import { gradientError, inputsOf, outputsOf, sand } from './fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const layout: BedLayout = { system: sand };
const constraints = bedConstraints(layout);
const violationOf = (c: Constraint, x: number[][], y: number[][]) =>
  tf.tidy(() => Array.from(c.violation(tf.tensor2d(x), tf.tensor2d(y)).dataSync()));
/** Three gas velocities: two with the minimum on ε_mf (two-phase limit), one interior compromise. */
const velocities = [0.4, 0.8, 1.1];
const solutions = velocities.map((U) => solveStructure(sand, U));
const x = velocities.map((U) => inputsOf(sand, U));

describe('tf physics against @mgdl/fluidization', () => {
  it('Ergun, residuals and N_st match the plain-number versions in float32', () => {
    const column = (f: (s: (typeof solutions)[number]) => number) => tf.tensor1d(solutions.map(f));
    const [ergun, nst, total, gas, force] = tf.tidy(() => {
      const p = resolveLayout(layout, true, []).inputsOf(tf.tensor2d(x));
      const [eps, ue, delta, ub] = [column((s) => s.emulsionVoidage), column((s) => s.emulsionVelocity), column((s) => s.bubbleFraction), column((s) => s.bubbleRiseVelocity)];
      return [
        bedPhysics.ergunPressureGradient(p, eps, ue),
        bedPhysics.stabilityEnergy(p, ue, delta, ub, solutions[0]!.wakeFraction),
        bedPhysics.totalEnergy(p),
        bedPhysics.gasBalanceResidual(p.superficialVelocity, ue, delta, ub, 3),
        bedPhysics.emulsionForceResidual(p, eps, ue),
      ].map((t) => Array.from(t.dataSync()));
    });
    for (const [i, s] of solutions.entries()) {
      expect(ergun![i]! / ergunPressureGradient(sand.gas, sand.particles, s.emulsionVoidage, s.emulsionVelocity)).toBeCloseTo(1, 5);
      expect(nst![i]! / s.energy.stability).toBeCloseTo(1, 5);
      expect(total![i]! / s.energy.total).toBeCloseTo(1, 5);
      expect(Math.abs(gas![i]!)).toBeLessThan(1e-6);
      expect(Math.abs(force![i]!)).toBeLessThan(1e-5);
    }
  });
});

describe('bed constraints', () => {
  it('are (float32-)zero at the stability-condition solution', () => {
    const y = solutions.map(outputsOf);
    for (const c of Object.values(constraints)) for (const v of violationOf(c, x, y)) expect(v).toBeLessThan(1e-10);
    expect(solutions.map((s) => s.atBound)).toEqual(['lower', 'lower', null]);
  });

  it('are positive away from it', () => {
    // Balances satisfied but ε_e away from the N_st minimum: only the stability condition objects.
    const off = structureState(sand, 1.1, solutions[2]!.emulsionVoidage - 0.02);
    const [gas, force, stability] = [constraints.gasBalance, constraints.emulsionForce, constraints.stability].map((c) => violationOf(c, [x[2]!], [outputsOf(off)])[0]!);
    expect(gas).toBeLessThan(1e-10);
    expect(force).toBeLessThan(1e-10);
    expect(stability).toBeGreaterThan(1e-6);
    // A 10 % error in δ breaks the gas balance; a 10 % error in U_e the emulsion force balance.
    const s = solutions[1]!;
    expect(violationOf(constraints.gasBalance, [x[1]!], [[s.emulsionVoidage, s.emulsionVelocity, 1.1 * s.bubbleFraction, s.bubbleRiseVelocity]])[0]).toBeGreaterThan(1e-3);
    expect(violationOf(constraints.emulsionForce, [x[1]!], [[s.emulsionVoidage, 1.1 * s.emulsionVelocity, s.bubbleFraction, s.bubbleRiseVelocity]])[0]).toBeGreaterThan(1e-3);
  });

  it('have gradients that match central differences', () => {
    // Off the solution, where every violation is active.
    const y = solutions.map((s, i) => outputsOf(s).map((v, j) => v * (1 + 0.05 * (((i + j) % 3) - 1) + 0.03)));
    for (const c of Object.values(constraints)) {
      const xs = tf.tensor2d(x);
      const error = gradientError((yy) => c.violation(xs, yy), y);
      xs.dispose();
      expect(error, c.name).toBeLessThan(2e-2);
    }
  });

  it('read scaled columns and columns of their own through the layout', () => {
    const mean = [0.7, 5e-4, 2600];
    const std = [0.3, 1e-4, 100];
    const scaledX = x.map((row) => row.map((v, j) => (v - mean[j]!) / std[j]!));
    const outputs = [null, 'bubbleRiseVelocity', 'bubbleFraction', 'emulsionVelocity', 'emulsionVoidage'] as const;
    const y = solutions.map((s) => [42, s.bubbleRiseVelocity, s.bubbleFraction, s.emulsionVelocity, s.emulsionVoidage]);
    const custom = bedConstraints({ system: sand, inputScaling: { mean, std }, outputs });
    for (const c of Object.values(custom)) for (const v of violationOf(c, scaledX, y)) expect(v).toBeLessThan(1e-9);
    // A per-sample particle density: heavier particles change U_mf and so the solution.
    const heavy = { ...sand, particles: { ...sand.particles, density: 3000 } };
    const s = solveStructure(heavy, 0.8);
    const v = violationOf(constraints.all, [inputsOf(heavy, 0.8)], [outputsOf(s)])[0]!;
    expect(v).toBeLessThan(1e-10);
    expect(violationOf(constraints.all, [inputsOf(sand, 0.8)], [outputsOf(s)])[0]).toBeGreaterThan(1e-4);
  });

  it('reject bad layouts, shapes and samples outside the bubbling regime with clear errors', () => {
    expect(() => bedConstraints({ system: sand, outputs: ['emulsionVoidage', 'emulsionVelocity'] })).toThrow(/needs the column 'bubbleFraction'/);
    expect(() => bedConstraints({ system: sand, inputs: ['particleDiameter'] })).toThrow(/needs the column 'superficialVelocity'/);
    expect(() => bedConstraints({ system: sand, inputs: ['superficialVelocity', 'superficialVelocity'] })).toThrow(/listed twice/);
    expect(() => bedConstraints({ system: sand, inputs: ['superficialVelocity', 'temperature' as never] })).toThrow(/unknown column 'temperature'/);
    expect(() => bedConstraints({ system: sand, inputScaling: { mean: [0], std: [1] } })).toThrow(/one entry per column \(3\)/);
    expect(() => bedConstraints({ system: sand, outputScaling: { mean: [0, 0, 0, 0], std: [1, 0, 1, 1] } })).toThrow(/std non-zero/);
    expect(() => violationOf(constraints.gasBalance, [[0.8, 5e-4]], [outputsOf(solutions[1]!)])).toThrow(ConstraintError);
    expect(() => violationOf(constraints.stability, [inputsOf(sand, 0.1)], [outputsOf(solutions[0]!)])).toThrow(/U = 0.1.*bubbling regime/);
  });
});
