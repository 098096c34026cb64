import { afterEach, describe, expect, it } from 'vitest';
import { createRandom, hashInts, hashSeeded, hashString, permutation, SeededMathRandom, xorshift32, xoshiro128ss } from '../src/index.js';

const draw = (next: () => number, n: number) => Array.from({ length: n }, () => next());
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

// The pinned values below are what mgdl's seeded runs drew before the generators moved here;
// a change to any of them changes every seeded result (subsets, noise, batch order, weights, masks).
describe('createRandom (mulberry32)', () => {
  it('draws the pinned stream for a seed', () => {
    expect(draw(createRandom(42), 4)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
  });

  it('takes the seed modulo 2³², draws in [0, 1) and differs between seeds', () => {
    expect(draw(createRandom(2 ** 32 + 7), 5)).toEqual(draw(createRandom(7), 5));
    expect(draw(createRandom(-1), 5)).toEqual(draw(createRandom(2 ** 32 - 1), 5));
    expect(draw(createRandom(1), 5)).not.toEqual(draw(createRandom(2), 5));
    const values = draw(createRandom(3), 100_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mean(values)).toBeCloseTo(0.5, 2);
  });

  it('permutation: the pinned order, every index once, the same from a seed or its stream', () => {
    expect(Array.from(permutation(10, 1))).toEqual([7, 8, 3, 2, 1, 5, 9, 4, 0, 6]);
    const order = permutation(1000, 9);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(permutation(1000, createRandom(9))).toEqual(order);
    expect(permutation(0, 1)).toEqual(new Int32Array(0));
    // One stream across calls: the second permutation continues the stream instead of repeating the first.
    const stream = createRandom(4);
    expect(permutation(50, stream)).not.toEqual(permutation(50, stream));
  });
});

describe('SeededMathRandom', () => {
  const original = Math.random;
  afterEach(() => {
    Math.random = original;
  });

  it('is the createRandom stream, and its saved state resumes it', () => {
    const scope = new SeededMathRandom(42);
    expect(draw(scope.next, 4)).toEqual(draw(createRandom(42), 4));
    const saved = scope.saved;
    const ahead = draw(scope.next, 3);
    const resumed = new SeededMathRandom(0);
    resumed.saved = saved;
    expect(draw(resumed.next, 3)).toEqual(ahead);
  });

  it('seeds Math.random while installed and restores it after', () => {
    const scope = new SeededMathRandom(5);
    scope.install();
    scope.install(); // idempotent: uninstall still restores the real Math.random
    const seeded = draw(Math.random, 3);
    scope.uninstall();
    expect(Math.random).toBe(original);
    expect(seeded).toEqual(draw(createRandom(5), 3));
  });

  it('run: the same result for the same seed, Math.random restored even when fn throws', () => {
    expect(SeededMathRandom.run(8, () => draw(Math.random, 3))).toEqual(SeededMathRandom.run(8, () => draw(Math.random, 3)));
    expect(() =>
      SeededMathRandom.run(8, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
  });
});

describe('seed hashes', () => {
  it('hash to the pinned values', () => {
    expect(hashInts(1, 2, 3)).toBe(2901138804);
    expect(hashString('mnist/train/0')).toBe(1493223988);
    expect(hashSeeded(0, 1)).toBe(677952471);
    expect(hashSeeded(5, 123)).toBe(1529077838);
  });

  it('are unsigned 32-bit and order-sensitive', () => {
    for (const h of [hashInts(-1, 2 ** 40), hashString('é'), hashSeeded(-3, 7)]) expect(h >>> 0).toBe(h);
    expect(hashInts(1, 2)).not.toBe(hashInts(2, 1));
    expect(hashString('ab')).not.toBe(hashString('ba'));
  });
});

describe('xoshiro128ss', () => {
  it('draws the pinned stream for a seed', () => {
    const rng = xoshiro128ss(2024);
    expect([rng.uniform(), rng.uniform(), rng.normal(), rng.normal(), rng.exponential()]).toEqual([
      0.5634307999862358, 0.6976155441952869, -1.4942698728299801, -0.48672109507640804, 0.4989240134694979,
    ]);
  });

  it('is reproducible by seed and differs between seeds, also above 2³²', () => {
    const uniforms = (seed: number) => draw(xoshiro128ss(seed).uniform, 8);
    expect(uniforms(42)).toEqual(uniforms(42));
    expect(uniforms(42)).not.toEqual(uniforms(43));
    expect(uniforms(1)).not.toEqual(uniforms(1 + 2 ** 32));
  });

  it('has the moments of its distributions', () => {
    const rng = xoshiro128ss(7);
    const n = 200_000;
    const uniforms = draw(rng.uniform, n);
    const normals = draw(rng.normal, n);
    const exponentials = draw(rng.exponential, n);
    expect(uniforms.every((u) => u > 0 && u < 1)).toBe(true);
    expect(mean(uniforms)).toBeCloseTo(0.5, 2);
    expect(mean(normals)).toBeCloseTo(0, 2);
    expect(mean(normals.map((x) => x * x))).toBeCloseTo(1, 1);
    expect(mean(exponentials)).toBeCloseTo(1, 1);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => xoshiro128ss(0.5)).toThrow(RangeError);
    expect(() => xoshiro128ss(2 ** 53)).toThrow(/seed/);
  });
});

describe('xorshift32', () => {
  it('draws the pinned stream, with 0 counting as 1', () => {
    expect(draw(xorshift32(0x9e3779b9), 4)).toEqual([1359758873, 3761132862, 2075758394, 25405621]);
    expect(draw(xorshift32(0), 2)).toEqual([270369, 67634689]);
    expect(draw(xorshift32(0), 2)).toEqual(draw(xorshift32(1), 2));
    expect(draw(xorshift32(2 ** 32 + 5), 3)).toEqual(draw(xorshift32(5), 3));
  });
});
