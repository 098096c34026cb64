/**
 * tfjs draws the seeds of unseeded random ops (dropout masks, weight initialisers) from
 * Math.random. Replacing it with a seeded generator for the duration of a run makes runs
 * repeatable, and saving its 32-bit state makes a resumed run draw the same masks.
 */
export class SeededMathRandom {
  private state: number;
  private original: (() => number) | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next = (): number => {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  get saved(): number {
    return this.state;
  }

  set saved(state: number) {
    this.state = state >>> 0;
  }

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
