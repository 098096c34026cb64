import { describe, expect, it } from 'vitest';
import { sphereVolumeBetween } from '../src/geometry.js';
import { bisect, minimizeBounded, simpson } from '../src/numerics.js';

describe('numerics', () => {
  it('golden-section search finds interior minima and reports bound minima as bounds', () => {
    const interior = minimizeBounded((x) => (x - 0.3) ** 2 + 1, 0, 1);
    expect(interior.atBound).toBeNull();
    expect(interior.x).toBeCloseTo(0.3, 7);
    expect(minimizeBounded((x) => x, 0.2, 1)).toEqual({ x: 0.2, value: 0.2, atBound: 'lower' });
    expect(minimizeBounded((x) => -x, 0.2, 1)).toEqual({ x: 1, value: -1, atBound: 'upper' });
  });

  it('bisection and Simpson', () => {
    expect(bisect((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 13);
    expect(() => bisect((x) => x * x + 1, 0, 2)).toThrow(RangeError);
    expect(simpson((x) => x ** 3, 0, 2, 10)).toBeCloseTo(4, 12);
  });

  it('sphere–slab volumes add up to the sphere', () => {
    const whole = (4 / 3) * Math.PI * 0.1 ** 3;
    expect(sphereVolumeBetween(0.5, 0.1, 0, 1)).toBeCloseTo(whole, 15);
    expect(sphereVolumeBetween(0.5, 0.1, 0, 0.5)).toBeCloseTo(whole / 2, 15);
    const parts = sphereVolumeBetween(0.5, 0.1, 0, 0.47) + sphereVolumeBetween(0.5, 0.1, 0.47, 0.55) + sphereVolumeBetween(0.5, 0.1, 0.55, 1);
    expect(parts).toBeCloseTo(whole, 15);
    expect(sphereVolumeBetween(0.5, 0.1, 0.7, 0.9)).toBe(0);
  });
});
