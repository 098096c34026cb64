import { chiSquareUpper, fUpper } from './distributions.js';

/**
 * Tests of a factor (the seed) in a complete two-way layout without replication: `table[b][j]` is
 * the value of level j of the factor in block b (a swept value). Both print beside each other.
 */
export interface FactorTests {
  /** Friedman's chi-square (ranks of the levels within each block, ties averaged and corrected), df = levels − 1. */
  friedman: { chiSquare: number; df: number; p: number };
  /** Kendall's W = chi-square / (blocks × (levels − 1)): 1 when every block ranks the levels alike. */
  kendallW: number;
  /** Two-way ANOVA, no interaction: F of the factor against the residual, df = (levels − 1, (levels − 1)(blocks − 1)). */
  anova: { F: number; df: [number, number]; p: number };
}

export function factorTests(table: readonly (readonly number[])[], rank: (values: readonly number[]) => number[]): FactorTests {
  const b = table.length;
  const k = table[0]!.length;
  const ranks = table.map((row) => rank(row).map((r) => r + 1));
  const sums = Array.from({ length: k }, (_, j) => ranks.reduce((s, row) => s + row[j]!, 0));
  const squares = ranks.reduce((s, row) => s + row.reduce((t, r) => t + r * r, 0), 0);
  // Conover's form, which corrects for ties: (k − 1) Σ (R_j − b(k + 1)/2)² / (Σ r² − b k (k + 1)² / 4).
  const spread = squares - (b * k * (k + 1) ** 2) / 4;
  const chiSquare = spread <= 1e-12 ? 0 : ((k - 1) * sums.reduce((s, R) => s + (R - (b * (k + 1)) / 2) ** 2, 0)) / spread;
  const friedman = { chiSquare, df: k - 1, p: chiSquareUpper(chiSquare, k - 1) };

  const grand = table.flat().reduce((a, v) => a + v, 0) / (b * k);
  const levelMeans = Array.from({ length: k }, (_, j) => table.reduce((s, row) => s + row[j]!, 0) / b);
  const blockMeans = table.map((row) => row.reduce((a, v) => a + v, 0) / k);
  const ssLevel = b * levelMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssBlock = k * blockMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssTotal = table.flat().reduce((s, v) => s + (v - grand) ** 2, 0);
  const ssResidual = Math.max(0, ssTotal - ssLevel - ssBlock);
  const df: [number, number] = [k - 1, (k - 1) * (b - 1)];
  // A residual that is rounding noise next to the seed effect: F is infinite (p = 0); no effect at all: F = 0.
  const F = ssResidual <= 1e-12 * ssTotal ? (ssLevel > 1e-12 * ssTotal ? Infinity : 0) : ssLevel / df[0] / (ssResidual / df[1]);
  return { friedman, kendallW: chiSquare / (b * (k - 1)), anova: { F, df, p: fUpper(F, df[0], df[1]) } };
}
