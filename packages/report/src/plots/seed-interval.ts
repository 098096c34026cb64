/** Student's t at 97.5% for 1…30 degrees of freedom (index = df); beyond 30, 1.96 is within 5%. */
const T_975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The mean of repeated runs (seeds) and its 95% t-interval; one run has no interval (low = high = mean). */
export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
  /** Sample standard deviation (n − 1); 0 for one run. */
  std: number;
  n: number;
}

/**
 * Mean and 95% confidence interval of the mean over seeds (Student's t, sample std): what every
 * across-the-grid figure and verdict table shows. The non-finite values are left out; none left
 * gives NaN throughout.
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, std: Number.NaN, n };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean, std: 0, n };
  const std = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (T_975[n - 1] ?? 1.96) * (std / Math.sqrt(n));
  return { mean, low: mean - half, high: mean + half, std, n };
}
