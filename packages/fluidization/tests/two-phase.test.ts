import { describe, expect, it } from 'vitest';
import {
  bedExpansionRatio,
  bedVoidage,
  bubbleDiameter,
  bubbleFraction,
  bubbleVelocity,
  twoPhaseBed,
} from '../src/index.js';
import { relative, sand } from './fixtures.js';

describe('two-phase theory, local', () => {
  it('bubble fraction, expansion and voidage (hand-computed)', () => {
    // u_b = 0.909662 m/s (see the correlation tests); δ = (0.4 − 0.194431)/0.909662 = 0.225984;
    // H/H_mf = 1/(1 − 0.225984) = 1.29196; ε = 1 − 0.58 × 0.774016 = 0.551071.
    const delta = bubbleFraction(0.4, 0.194431, 0.909662);
    expect(relative(delta, 0.225984)).toBeLessThan(1e-5);
    expect(relative(bedExpansionRatio(delta), 1.29196)).toBeLessThan(1e-5);
    expect(relative(bedVoidage(delta, 0.42), 0.551071)).toBeLessThan(1e-5);
  });
});

describe('two-phase theory, averaged over the bed height', () => {
  const U = 0.4;
  const bed = twoPhaseBed(sand, U);

  it('keeps the emulsion volume: ∫₀^H (1 − δ(h)) dh = H_mf, checked by an independent trapezoid sum', () => {
    const umf = bed.minimumFluidizationVelocity;
    const delta = (h: number) => bubbleFraction(U, umf, bubbleVelocity(U, umf, bubbleDiameter('darton', U - umf, h, sand.bed)));
    const n = 20000;
    const dh = bed.expandedHeight / n;
    let emulsion = 0;
    for (let i = 0; i < n; i++) emulsion += (1 - 0.5 * (delta(i * dh) + delta((i + 1) * dh))) * dh;
    expect(relative(emulsion, sand.bed.staticHeight)).toBeLessThan(1e-6);
  });

  it('relates its averages as H/H_mf = 1/(1 − δ̄) and ε̄ = 1 − (1 − ε_mf)(1 − δ̄)', () => {
    expect(relative(bed.expansionRatio, bedExpansionRatio(bed.meanBubbleFraction))).toBeLessThan(1e-12);
    expect(relative(bed.meanVoidage, bedVoidage(bed.meanBubbleFraction, 0.42))).toBeLessThan(1e-12);
    expect(relative(bed.expandedHeight, sand.bed.staticHeight * bed.expansionRatio)).toBeLessThan(1e-12);
  });

  it('averages lie between their values at the distributor and at the surface', () => {
    const umf = bed.minimumFluidizationVelocity;
    const dTop = bubbleDiameter('darton', U - umf, bed.expandedHeight, sand.bed);
    const dBottom = bubbleDiameter('darton', U - umf, 0, sand.bed);
    expect(bed.meanBubbleDiameter).toBeGreaterThan(dBottom);
    expect(bed.meanBubbleDiameter).toBeLessThan(dTop);
    expect(bed.meanBubbleFraction).toBeGreaterThan(bubbleFraction(U, umf, bubbleVelocity(U, umf, dTop)));
    expect(bed.meanBubbleFraction).toBeLessThan(bubbleFraction(U, umf, bubbleVelocity(U, umf, dBottom)));
  });

  it('expands more as the gas velocity rises, with either growth correlation', () => {
    for (const bubbleSize of ['darton', 'mori-wen'] as const) {
      const heights = [0.25, 0.4, 0.6, 0.8].map((u) => twoPhaseBed(sand, u, { bubbleSize }).expandedHeight);
      for (let i = 1; i < heights.length; i++) expect(heights[i]).toBeGreaterThan(heights[i - 1]!);
    }
  });

  it('handles a porous plate, whose Darton bubbles start from zero size', () => {
    const porous = { ...sand, bed: { ...sand.bed, distributorAreaPerOrifice: 0 } };
    const result = twoPhaseBed(porous, U);
    expect(result.meanBubbleFraction).toBeGreaterThan(bed.meanBubbleFraction); // smaller, slower bubbles
    expect(result.meanBubbleFraction).toBeLessThan(1);
  });
});
