/**
 * Root of a continuous f on [lo, hi] by bisection; f(lo) and f(hi) must differ in sign. Bisection
 * rather than Newton because the callers' functions are monotone but not always smooth at the ends,
 * and ~50 halvings reach double precision anyway.
 */
export function bisect(f: (x: number) => number, lo: number, hi: number, tolerance = 1e-14): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  if (fa === 0) return a;
  if (Math.sign(fa) === Math.sign(f(b))) throw new RangeError(`bisect: no sign change on [${lo}, ${hi}]`);
  for (let i = 0; i < 200 && b - a > tolerance * Math.max(1, Math.abs(a)); i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm === 0) return m;
    if (Math.sign(fm) === Math.sign(fa)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

/** Result of {@link minimizeBounded}. */
export interface BoundedMinimum {
  readonly x: number;
  readonly value: number;
  /** Which end of the interval the minimum sits on, if it is not interior. */
  readonly atBound: 'lower' | 'upper' | null;
}

const INVERSE_GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Minimum of a unimodal f on [lo, hi] by golden-section search (Kiefer 1953): each step keeps the
 * sub-interval that must contain the minimum and reuses one interior evaluation. It needs no
 * derivatives and cannot leave the interval, which the structure model relies on (outside it the
 * balances have no physical solution). The ends are compared at the close, so a minimum on a bound
 * is reported as such rather than as an interior point a tolerance away from it.
 */
export function minimizeBounded(f: (x: number) => number, lo: number, hi: number, tolerance = 1e-12): BoundedMinimum {
  let a = lo;
  let b = hi;
  let c = b - INVERSE_GOLDEN * (b - a);
  let d = a + INVERSE_GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance * Math.max(1, Math.abs(c))) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INVERSE_GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INVERSE_GOLDEN * (b - a);
      fd = f(d);
    }
  }
  const x = 0.5 * (a + b);
  const value = f(x);
  const atLower = f(lo);
  const atUpper = f(hi);
  if (atLower <= value && atLower <= atUpper) return { x: lo, value: atLower, atBound: 'lower' };
  if (atUpper <= value) return { x: hi, value: atUpper, atBound: 'upper' };
  return { x, value, atBound: null };
}

/** ∫_a^b f by composite Simpson's rule on `intervals` panels (rounded up to even). */
export function simpson(f: (x: number) => number, a: number, b: number, intervals = 200): number {
  const n = 2 * Math.ceil(intervals / 2);
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}
