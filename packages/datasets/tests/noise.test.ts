import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError, labelNoise, takeIds, withLabelNoise } from '../src/index.js';
import { toyImages } from './fixtures/toy.js';

describe('label noise', () => {
  it('flips exactly round(p·n) labels, to another class (symmetric) or the next one (pair)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 2, max: 12 }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer(), (n, classes, p, seed) => {
        const data = toyImages(n, classes);
        for (const kind of ['symmetric', 'pair'] as const) {
          const { labels, noise } = labelNoise(data, { kind, p, seed });
          const flipped = noise.noisy.reduce((a, b) => a + b, 0);
          expect(flipped).toBe(Math.round(p * n));
          expect(noise.flipped).toBe(flipped);
          for (let i = 0; i < n; i++) {
            expect(noise.cleanLabels[i]).toBe(data.labels[i]);
            if (!noise.noisy[i]) expect(labels[i]).toBe(data.labels[i]);
            else if (kind === 'pair') expect(labels[i]).toBe((data.labels[i]! + 1) % classes);
            else expect(labels[i]).not.toBe(data.labels[i]);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is a pure function of (dataset, split, kind, p, seed)', () => {
    const data = toyImages(1000);
    const a = labelNoise(data, { kind: 'symmetric', p: 0.3, seed: 7 });
    expect(labelNoise(data, { kind: 'symmetric', p: 0.3, seed: 7 })).toEqual(a);
    expect(labelNoise(data, { kind: 'symmetric', p: 0.3, seed: 8 }).noise.noisy).not.toEqual(a.noise.noisy);
    expect(labelNoise({ ...data, name: 'other' }, { kind: 'symmetric', p: 0.3, seed: 7 }).noise.noisy).not.toEqual(a.noise.noisy);
    expect(labelNoise({ ...data, split: 'test' }, { kind: 'symmetric', p: 0.3, seed: 7 }).noise.noisy).not.toEqual(a.noise.noisy);
  });

  it('spreads symmetric flips uniformly over the other classes', () => {
    const data = toyImages(20000, 5);
    const { labels, noise } = labelNoise(data, { kind: 'symmetric', p: 0.5, seed: 3 });
    const counts = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
    for (let i = 0; i < labels.length; i++) if (noise.noisy[i]) counts[data.labels[i]!]![labels[i]!]!++;
    for (let from = 0; from < 5; from++) {
      for (let to = 0; to < 5; to++) {
        if (from === to) expect(counts[from]![to]).toBe(0);
        else expect(counts[from]![to]! / 500).toBeCloseTo(1, 0); // 2000 flips per class, 500 per target
      }
    }
  });

  it("nests the noisy sets across p and keeps a sample's fate in any subset order", () => {
    const data = toyImages(500);
    const low = labelNoise(data, { kind: 'pair', p: 0.1, seed: 1 }).noise.noisy;
    const high = labelNoise(data, { kind: 'pair', p: 0.4, seed: 1 }).noise.noisy;
    for (let i = 0; i < 500; i++) if (low[i]) expect(high[i]).toBe(1);
    const reversed = takeIds(data, Int32Array.from({ length: 500 }, (_, i) => 499 - i));
    const noisyReversed = labelNoise(reversed, { kind: 'pair', p: 0.4, seed: 1 });
    for (let k = 0; k < 500; k++) expect(noisyReversed.noise.noisy[k]).toBe(high[499 - k]);
  });

  it('flips each label with probability p in bernoulli mode', () => {
    const data = toyImages(20000);
    const { noise } = labelNoise(data, { kind: 'symmetric', p: 0.2, seed: 5, mode: 'bernoulli' });
    expect(noise.flipped / 20000).toBeGreaterThan(0.19);
    expect(noise.flipped / 20000).toBeLessThan(0.21);
  });

  it('keeps clean labels and the mask on the dataset', () => {
    const data = toyImages(50);
    const noisy = withLabelNoise(data, { kind: 'pair', p: 0.2, seed: 0 });
    expect(noisy.noise?.flipped).toBe(10);
    expect(Array.from(noisy.noise!.cleanLabels)).toEqual(Array.from(data.labels));
    expect(() => withLabelNoise(noisy, { kind: 'pair', p: 0.2, seed: 0 })).toThrow(/already has label noise/);
  });

  it.each([-0.1, 1, 1.5, Number.NaN])('rejects p = %s', (p) => {
    expect(() => labelNoise(toyImages(10), { kind: 'symmetric', p, seed: 0 })).toThrow(DatasetError);
    expect(() => labelNoise(toyImages(10), { kind: 'symmetric', p, seed: 0 })).toThrow(/\[0, 1\)/);
  });
});
