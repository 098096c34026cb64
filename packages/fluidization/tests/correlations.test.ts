import { describe, expect, it } from 'vitest';
import {
  archimedesNumber,
  bubbleDiameter,
  bubbleRiseVelocity,
  bubbleVelocity,
  dartonBubbleDiameter,
  ergunPressureGradient,
  ergunSuperficialVelocity,
  minimumFluidizationVelocity,
  minimumFluidizationVelocityErgun,
  minimumFluidizationVelocityWenYu,
  moriWenBubbleDiameter,
  moriWenInitialBubbleDiameter,
  moriWenMaximumBubbleDiameter,
  STANDARD_GRAVITY,
  terminalVelocity,
} from '../src/index.js';
import { relative, sand } from './fixtures.js';

// Hand calculations for the sand case (g = 9.80665 m/s²), carried to 6 significant figures with a
// calculator; the assertions allow 1e-5 relative, i.e. the last digit written here.
const { gas, particles } = sand;

describe('minimum fluidization', () => {
  it('Archimedes number', () => {
    // dp³ = 1.25e-10 m³; g dp³ ρg (ρp − ρg) = 9.80665 × 1.25e-10 × 1.204 × 2598.796 = 3.83557e-6;
    // μ² = 3.2761e-10; Ar = 3.83557e-6 / 3.2761e-10 = 11707.7.
    expect(relative(archimedesNumber(gas, particles), 11707.7)).toBeLessThan(1e-5);
  });

  it('Wen–Yu', () => {
    // 33.7² = 1135.69; 0.0408 Ar = 477.675; √1613.365 = 40.1667; Re_mf = 6.46671;
    // U_mf = 6.46671 × 1.81e-5 / (1.204 × 5e-4) = 0.194431 m/s.
    expect(relative(minimumFluidizationVelocityWenYu(gas, particles), 0.194431)).toBeLessThan(1e-5);
  });

  it('Ergun (quadratic in Re with ε_mf = 0.42, φs = 0.86)', () => {
    // ε³ = 0.074088; a = 1.75/(ε³ φs) = 27.4658; b = 150 (1 − ε)/(ε³ φs²) = 1587.72;
    // a Re² + b Re = Ar ⇒ Re = (−b + √(b² + 4 a Ar)) / 2a = (−1587.72 + √3807107) / 54.9315 = 6.61658;
    // U_mf = 6.61658 × 1.81e-5 / 6.02e-4 = 0.198937 m/s.
    expect(relative(minimumFluidizationVelocityErgun(gas, particles, 0.42), 0.198937)).toBeLessThan(1e-5);
  });

  it('Wen–Yu and Ergun agree for this sand within 3 %', () => {
    const wenYu = minimumFluidizationVelocity(sand, 'wen-yu');
    const ergun = minimumFluidizationVelocity(sand, 'ergun');
    expect(relative(ergun, wenYu)).toBeLessThan(0.03); // 2.3 % by the numbers above
  });

  it('Ergun velocity inverts the Ergun pressure gradient, and U_mf balances the bed weight', () => {
    const gradient = ergunPressureGradient(gas, particles, 0.5, 0.3);
    expect(relative(ergunSuperficialVelocity(gas, particles, 0.5, gradient), 0.3)).toBeLessThan(1e-12);
    const umf = minimumFluidizationVelocityErgun(gas, particles, 0.42);
    const weight = (1 - 0.42) * (particles.density - gas.density) * STANDARD_GRAVITY;
    expect(relative(ergunPressureGradient(gas, particles, 0.42, umf), weight)).toBeLessThan(1e-12);
  });

  it('terminal velocity (Haider–Levenspiel)', () => {
    // d* = Ar^(1/3) = 22.7069; u* = 1/(18/515.603 + (2.335 − 1.49984)/4.76518) = 1/(0.0349106 + 0.175263)
    // = 4.75796; [μ (ρp − ρg) g / ρg²]^(1/3) = (0.461286/1.44962)^(1/3) = 0.682715; u_t = 3.24833 m/s.
    expect(relative(terminalVelocity(gas, particles), 3.24833)).toBeLessThan(1e-5);
  });
});

describe('bubbles', () => {
  // Excess gas U − U_mf = 0.2 m/s, h = 0.5 m, A0 = 1e-3 m², D = 0.3 m.
  it('Darton et al. (1977)', () => {
    // 0.2^0.4 = 0.525306; (0.5 + 4√1e-3)^0.8 = 0.626491^0.8 = 0.687910; g^−0.2 = 0.633426;
    // d_b = 0.54 × 0.525306 × 0.687910 × 0.633426 = 0.123604 m.
    expect(relative(dartonBubbleDiameter(0.2, 0.5, 1e-3), 0.123604)).toBeLessThan(1e-5);
  });

  it('Mori & Wen (1975): limiting, initial and local diameters', () => {
    // A = π/4 × 0.09 = 0.0706858 m²; (A × 0.2)^0.4 = 0.0141372^0.4 = 0.182031;
    // SI constant 0.652 × (1e6)^0.4 / 100 = 1.63775; d_bm = 0.298121 m.
    expect(relative(moriWenMaximumBubbleDiameter(0.2, 0.3), 0.298121)).toBeLessThan(1e-5);
    // Perforated: 1.30 × 0.633426 × (0.2 × 1e-3)^0.4 = 1.30 × 0.633426 × 0.0331441 = 0.0272930 m < pitch 0.0316 m.
    expect(relative(moriWenInitialBubbleDiameter(0.2, 1e-3), 0.027293)).toBeLessThan(1e-5);
    // Porous: 2.78 × 0.04 / 9.80665 = 0.0113392 m.
    expect(relative(moriWenInitialBubbleDiameter(0.2, 0), 0.0113392)).toBeLessThan(1e-5);
    // exp(−0.3 × 0.5/0.3) = 0.606531; d_b = 0.298121 − (0.298121 − 0.027293) × 0.606531 = 0.133856 m.
    expect(relative(moriWenBubbleDiameter(0.2, 0.5, 0.3, 1e-3), 0.133856)).toBeLessThan(1e-5);
  });

  it('a perforated-plate estimate larger than the orifice pitch falls back to the merged-bubble form', () => {
    // A0 = 1 m² ⇒ pitch 1 m; 1.30 g^−0.2 (2 × 1)^0.4 = 1.0866 m > 1 m.
    expect(moriWenInitialBubbleDiameter(2, 1)).toBeCloseTo((2.78 * 4) / STANDARD_GRAVITY, 12);
  });

  it('the two growth correlations are of one size at mid-bed (sanity, not a law)', () => {
    const bed = { columnDiameter: 0.3, distributorAreaPerOrifice: 1e-3 };
    expect(relative(bubbleDiameter('darton', 0.2, 0.5, bed), bubbleDiameter('mori-wen', 0.2, 0.5, bed))).toBeLessThan(0.1);
  });

  it('rise velocity (Davidson & Harrison 1963)', () => {
    // 0.711 × √(9.80665 × 0.1) = 0.711 × 0.990285 = 0.704093 m/s.
    expect(relative(bubbleRiseVelocity(0.1), 0.704093)).toBeLessThan(1e-5);
    // u_b = U − U_mf + u_br = 0.4 − 0.194431 + 0.704093 = 0.909662 m/s.
    expect(relative(bubbleVelocity(0.4, 0.194431, 0.1), 0.909662)).toBeLessThan(1e-5);
  });
});
