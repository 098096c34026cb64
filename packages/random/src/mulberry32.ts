/**
 * mulberry32 (Tommy Ettinger, 2017): a 32-bit state advanced by a Weyl increment and scrambled
 * into a float in [0, 1). Small, fast, bit-identical on every engine, and its whole state is one
 * number, so a run can save it in a checkpoint and resume the same stream.
 */
const INCREMENT = 0x6d2b79f5;

function output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * The seeded generator mgdl uses (mulberry32): floats in [0, 1), the same stream for the same seed.
 * The seed is taken modulo 2³² (`seed >>> 0`), so any number is accepted and 2³² + s draws as s.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + INCREMENT) >>> 0;
    return output(state);
  };
}

/**
 * A uniformly random permutation of 0…n−1 (Fisher–Yates from the end), drawn from `createRandom(seed)`
 * or from a uniform source in [0, 1) the caller already holds (e.g. one stream across epochs).
 */
export function permutation(n: number, seed: number | (() => number)): Int32Array {
  const random = typeof seed === 'number' ? createRandom(seed) : seed;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/**
 * Math.random replaced by the seeded mulberry32 stream for a while. tfjs draws the seeds of
 * unseeded random ops (dropout masks, weight initialisers) from Math.random, so installing this
 * for the duration of a run makes runs repeatable, and saving its 32-bit state (`saved`) makes a
 * resumed run draw the same masks. `next` draws from the same stream without installing it, and
 * `new SeededMathRandom(s).next` yields exactly what `createRandom(s)` yields.
 */
export class SeededMathRandom {
  private state: number;
  private original: (() => number) | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next = (): number => {
    this.state = (this.state + INCREMENT) >>> 0;
    return output(this.state);
  };

  /** The generator's whole state, to store in a checkpoint and assign back on resume. */
  get saved(): number {
    return this.state;
  }

  set saved(state: number) {
    this.state = state >>> 0;
  }

  /** Makes Math.random draw from this generator (idempotent); `uninstall` restores the original. */
  install(): void {
    this.original ??= Math.random;
    Math.random = this.next;
  }

  uninstall(): void {
    if (this.original) Math.random = this.original;
    this.original = undefined;
  }

  /** Runs `fn` with Math.random seeded, e.g. to build a model with repeatable initial weights. */
  static run<T>(seed: number, fn: () => T): T {
    const scope = new SeededMathRandom(seed);
    scope.install();
    try {
      return fn();
    } finally {
      scope.uninstall();
    }
  }
}
