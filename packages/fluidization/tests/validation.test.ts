import { describe, expect, it } from 'vitest';
import {
  archimedesNumber,
  bedExpansionRatio,
  bubbleFraction,
  bubbleVelocity,
  dartonBubbleDiameter,
  FluidizationError,
  minimumFluidizationVelocity,
  terminalVelocity,
  twoPhaseBed,
  validateFluidizedBed,
  type FluidizedBed,
} from '../src/index.js';
import { sand } from './fixtures.js';

function thrown(f: () => unknown): FluidizationError {
  try {
    f();
  } catch (error) {
    if (error instanceof FluidizationError) return error;
    throw error;
  }
  throw new Error('expected a FluidizationError');
}

const withGas = (gas: Partial<FluidizedBed['gas']>): FluidizedBed => ({ ...sand, gas: { ...sand.gas, ...gas } });
const withParticles = (p: Partial<FluidizedBed['particles']>): FluidizedBed => ({ ...sand, particles: { ...sand.particles, ...p } });
const withBed = (b: Partial<FluidizedBed['bed']>): FluidizedBed => ({ ...sand, bed: { ...sand.bed, ...b } });

describe('property validation', () => {
  const cases: [string, FluidizedBed, string, number, string][] = [
    ['zero gas density', withGas({ density: 0 }), 'gas.density', 0, '(0, ∞) kg/m³'],
    ['negative viscosity', withGas({ viscosity: -1e-5 }), 'gas.viscosity', -1e-5, '(0, ∞) Pa·s'],
    ['NaN viscosity', withGas({ viscosity: Number.NaN }), 'gas.viscosity', Number.NaN, '(0, ∞) Pa·s'],
    ['zero particle diameter', withParticles({ diameter: 0 }), 'particles.diameter', 0, '(0, ∞) m'],
    ['negative particle density', withParticles({ density: -2600 }), 'particles.density', -2600, '(0, ∞) kg/m³'],
    ['particles lighter than the gas', withParticles({ density: 1 }), 'particles.density', 1, '(1.204, ∞) kg/m³'],
    ['sphericity above 1', withParticles({ sphericity: 1.2 }), 'particles.sphericity', 1.2, '(0, 1]'],
    ['zero sphericity', withParticles({ sphericity: 0 }), 'particles.sphericity', 0, '(0, 1]'],
    ['infinite column', withBed({ columnDiameter: Number.POSITIVE_INFINITY }), 'bed.columnDiameter', Number.POSITIVE_INFINITY, '(0, ∞) m'],
    ['zero static height', withBed({ staticHeight: 0 }), 'bed.staticHeight', 0, '(0, ∞) m'],
    ['voidage of 1', withBed({ minFluidizationVoidage: 1 }), 'bed.minFluidizationVoidage', 1, '(0, 1)'],
    ['voidage of 0', withBed({ minFluidizationVoidage: 0 }), 'bed.minFluidizationVoidage', 0, '(0, 1)'],
    ['negative orifice area', withBed({ distributorAreaPerOrifice: -1e-3 }), 'bed.distributorAreaPerOrifice', -1e-3, '[0, ∞) m²'],
  ];

  it.each(cases)('%s names the field, its value and its range', (_, system, field, value, range) => {
    const error = thrown(() => validateFluidizedBed(system));
    expect(error.field).toBe(field);
    expect(error.value).toBe(value);
    expect(error.range).toBe(range);
    expect(error.message).toContain(field);
    expect(error.message).toContain(range);
    expect(error.name).toBe('FluidizationError');
  });

  it('accepts the reference sand, a sphericity of exactly 1 and a porous plate', () => {
    expect(() => validateFluidizedBed(sand)).not.toThrow();
    expect(() => validateFluidizedBed(withParticles({ sphericity: 1 }))).not.toThrow();
    expect(() => validateFluidizedBed(withBed({ distributorAreaPerOrifice: 0 }))).not.toThrow();
  });

  it('correlations validate their own inputs', () => {
    expect(thrown(() => archimedesNumber({ density: 1.2, viscosity: 0 }, sand.particles)).field).toBe('gas.viscosity');
    expect(thrown(() => minimumFluidizationVelocity(withParticles({ diameter: -1 }))).field).toBe('particles.diameter');
    expect(thrown(() => terminalVelocity(sand.gas, { ...sand.particles, sphericity: 0.3 })).range).toBe('[0.5, 1]');
    expect(thrown(() => dartonBubbleDiameter(0.2, -0.1, 0)).field).toBe('height');
    expect(thrown(() => bedExpansionRatio(1)).range).toBe('[0, 1)');
  });
});

describe('bubbling needs U > U_mf', () => {
  it('names the superficial velocity and the open range above U_mf', () => {
    const umf = minimumFluidizationVelocity(sand);
    for (const U of [umf, 0.1, -1]) {
      const error = thrown(() => twoPhaseBed(sand, U));
      expect(error.field).toBe('superficialVelocity');
      expect(error.value).toBe(U);
      expect(error.range).toBe(`(${umf}, ∞) m/s`);
      expect(error.reason).toContain('U > U_mf');
    }
    expect(thrown(() => bubbleVelocity(0.1, 0.2, 0.1)).range).toBe('(0.2, ∞) m/s');
    expect(thrown(() => dartonBubbleDiameter(0, 0.5, 0)).field).toBe('excessVelocity');
  });

  it('rejects a bubble velocity that could not carry the excess gas (δ ≥ 1)', () => {
    const error = thrown(() => bubbleFraction(0.5, 0.2, 0.25));
    expect(error.field).toBe('bubbleVelocity');
    expect(error.range).toBe('(0.3, ∞) m/s');
  });
});
