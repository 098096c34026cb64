/**
 * The distribution functions the verdict rule needs (Student t, F, chi-square, normal), from the
 * regularized incomplete beta and gamma functions as in Numerical Recipes (3rd ed., §6.1–6.4):
 * Lanczos log-gamma, series and Lentz continued fractions. Relative accuracy ≈ 1e-12 or better
 * over the degrees of freedom the rule meets (1 to a few hundred).
 */

const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 1000;

// Lanczos approximation, g = 7, nine coefficients (accurate to ≈ 1e-15 for positive arguments).
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < TINY ? TINY : d);
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    for (const even of [true, false]) {
      const numerator = even ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)) : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < TINY ? TINY : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < TINY) c = TINY;
      const delta = c * d;
      h *= delta;
      if (!even && Math.abs(delta - 1) < EPSILON) return h;
    }
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast only below (a + 1)/(a + b + 2); above it, use I_x(a, b) = 1 − I_{1−x}(b, a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The regularized lower incomplete gamma function P(a, x) and its complement Q = 1 − P, each computed without cancellation. */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (x <= 0) return { lower: 0, upper: 1 };
  const front = Math.exp(a * Math.log(x) - x - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPSILON; n++) {
      term *= x / (a + n);
      sum += term;
    }
    const lower = sum * front;
    return { lower, upper: 1 - lower };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = 1 / (Math.abs(d) < TINY ? TINY : d);
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    const delta = c * d;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  const upper = front * h;
  return { lower: 1 - upper, upper };
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** P(T ≥ t): the upper tail, without the cancellation of 1 − cdf far out. */
export const studentTUpper = (t: number, df: number): number => studentTCdf(-t, df);

const quantiles = new Map<string, number>();

/** The t with P(T ≤ t) = p (0 < p < 1): bisection on the CDF to 1e-12, remembered per (p, df). */
export function studentTQuantile(p: number, df: number): number {
  const key = `${p},${df}`;
  const known = quantiles.get(key);
  if (known !== undefined) return known;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let [low, high] = [0, 1];
  while (studentTCdf(high, df) < p) [low, high] = [high, 2 * high];
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  const t = (low + high) / 2;
  quantiles.set(key, t);
  return t;
}

/** P(F ≥ f) for the F distribution with (d1, d2) degrees of freedom. */
export function fUpper(f: number, d1: number, d2: number): number {
  if (f <= 0) return 1;
  if (!Number.isFinite(f)) return 0;
  return regularizedBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** P(X ≥ x) for chi-square with `df` degrees of freedom. */
export const chiSquareUpper = (x: number, df: number): number => (x <= 0 ? 1 : regularizedGamma(df / 2, x / 2).upper);

/** P(Z ≥ z) for the standard normal: half the chi-square(1) tail of z². */
export function normalUpper(z: number): number {
  const half = 0.5 * regularizedGamma(0.5, (z * z) / 2).upper;
  return z >= 0 ? half : 1 - half;
}
