import { describe, expect, it } from 'vitest';
import { averageRanks } from '../src/verdict/conclude.js';
import { chiSquareUpper, fUpper, normalUpper, studentTCdf, studentTQuantile } from '../src/verdict/stats/distributions.js';
import { holm, signFlip, studentT } from '../src/verdict/stats/location.js';
import { pageTest } from '../src/verdict/stats/page.js';
import { factorTests } from '../src/verdict/stats/two-way.js';

describe('distribution functions, against table values', () => {
  it("gives Student's t quantiles and tails", () => {
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812461, 6);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.262157, 6);
    // df = 1 is the Cauchy distribution: P(T ≤ 1) = 3/4 exactly.
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
    expect(studentTCdf(0, 7)).toBe(0.5);
  });

  it('gives F, chi-square and normal upper tails at their 5% and 1% critical values', () => {
    expect(fUpper(4.102821, 2, 10)).toBeCloseTo(0.05, 7);
    expect(fUpper(2.866081, 4, 20)).toBeCloseTo(0.05, 7);
    // F(1, 1) is the square of a Cauchy: P(F ≥ 9) = 1 − 2·atan(3)/π.
    expect(fUpper(9, 1, 1)).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 10);
    expect(chiSquareUpper(3.841459, 1)).toBeCloseTo(0.05, 7);
    expect(chiSquareUpper(11.070498, 5)).toBeCloseTo(0.05, 7);
    expect(chiSquareUpper(23.209251, 10)).toBeCloseTo(0.01, 8);
    // chi-square with 2 df is exponential: P(X ≥ x) = e^(−x/2).
    expect(chiSquareUpper(6, 2)).toBeCloseTo(Math.exp(-3), 12);
    expect(normalUpper(1.959964)).toBeCloseTo(0.025, 7);
    expect(normalUpper(-1)).toBeCloseTo(0.841345, 6);
  });
});

describe('tests over seeds', () => {
  it("computes Student's t-interval and one-sided p-values", () => {
    // Mean 2, sample sd 1, n = 5: 2 ± 2.776445 / √5; t = 2√5.
    const t = studentT([-2, -1, 0, 1, 2].map((k) => 2 + k * Math.sqrt(0.4)));
    expect(t.mean).toBeCloseTo(2, 12);
    expect(t.sd).toBeCloseTo(1, 12);
    expect(t.interval[0]).toBeCloseTo(2 - 2.776445 / Math.sqrt(5), 6);
    expect(t.t).toBeCloseTo(2 * Math.sqrt(5), 12);
    expect(t.p.above + t.p.below).toBeCloseTo(1, 12);
    expect(t.p.above).toBeLessThan(0.01);
  });

  it('gives the exact sign-flip p-value, and a Monte Carlo one that is never 0', () => {
    // Five positive differences: only the observed signs reach the observed sum: 1/32.
    expect(signFlip([1, 2, 3, 4, 5])).toEqual({ above: 1 / 32, below: 1, exact: true });
    // Flipping the 1 alone or leaving all: 2 of 32 sums are ≥ 13 (= 15 − 2·1).
    expect(signFlip([-1, 2, 3, 4, 5]).above).toBe(2 / 32);
    const many = signFlip(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(many.exact).toBe(false);
    expect(many.above).toBe(1 / 10_001);
  });

  it("applies Holm's step-down adjustment", () => {
    // Sorted 0.01, 0.02, 0.04: × 3, × 2, × 1 = 0.03, 0.04, 0.04 (kept monotone).
    const adjusted = holm([0.04, 0.01, 0.02]);
    expect(adjusted[0]).toBeCloseTo(0.04, 12);
    expect(adjusted[1]).toBeCloseTo(0.03, 12);
    expect(adjusted[2]).toBeCloseTo(0.04, 12);
    // 0.6 × 2 caps at 1, and 0.9 may not fall below it.
    expect(holm([0.6, 0.9])).toEqual([1, 1]);
  });

  it("gives Page's exact p-value and its normal approximation", () => {
    // Two blocks rising over three positions: L = 2·(1 + 4 + 9) = 28, reached by 1 in 6² orderings.
    expect(pageTest([[1, 2, 3], [5, 6, 7]], averageRanks)).toMatchObject({ L: 28, above: 1 / 36, below: 1, exact: true });
    // Ties: a block tied throughout adds its constant; the other block decides.
    expect(pageTest([[1, 2, 3], [4, 4, 4]], averageRanks).above).toBeCloseTo(1 / 6, 12);
    // Nine positions: beyond the exact limit; five rising blocks are far in the upper tail.
    const wide = pageTest(Array.from({ length: 5 }, () => [1, 2, 3, 4, 5, 6, 7, 8, 9]), averageRanks);
    expect(wide.exact).toBe(false);
    expect(wide.above).toBeLessThan(1e-6);
    expect(wide.below).toBeGreaterThan(0.999);
  });

  it("gives Friedman's chi-square, Kendall's W and the two-way ANOVA F of a factor", () => {
    // Three blocks ranking three levels alike: chi-square 6 (= b(k − 1)), W = 1, p = e^−3.
    const concordant = factorTests([[1, 2, 3], [2, 4, 6], [0, 5, 9]], averageRanks);
    expect(concordant.friedman.chiSquare).toBeCloseTo(6, 12);
    expect(concordant.kendallW).toBeCloseTo(1, 12);
    expect(concordant.friedman.p).toBeCloseTo(Math.exp(-3), 12);
    // Levels (1.5, 4.5), blocks (2, 4): SS level 9, SS block 4, residual 1: F(1, 1) = 9.
    const anova = factorTests([[1, 3], [2, 6]], averageRanks).anova;
    expect(anova.F).toBeCloseTo(9, 12);
    expect(anova.df).toEqual([1, 1]);
    expect(anova.p).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 10);
    expect(factorTests([[1, 1], [1, 1]], averageRanks)).toMatchObject({ friedman: { chiSquare: 0, p: 1 }, anova: { F: 0, p: 1 } });
  });
});
