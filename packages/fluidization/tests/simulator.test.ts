import { describe, expect, it } from 'vitest';
import { FluidizationError, simulateBubblingBed, twoPhaseBed, type BubblingBedSeries } from '../src/index.js';
import { mean, relative, sand } from './fixtures.js';

const U = 0.4; // ≈ 2 U_mf

const flatten = (s: BubblingBedSeries) => [s.time, s.bedHeight, s.bubbleFraction, ...s.probes.flatMap((p) => [p.voidage, p.pressureDrop])];

describe('bubbling bed simulator', () => {
  const run = simulateBubblingBed(sand, U, { seed: 2024, steps: 2000 });

  it('is deterministic by seed', () => {
    const again = simulateBubblingBed(sand, U, { seed: 2024, steps: 2000 });
    expect(flatten(again)).toEqual(flatten(run));
    expect(again.stats).toEqual(run.stats);
  });

  it('gives different series for different seeds', () => {
    const other = simulateBubblingBed(sand, U, { seed: 2025, steps: 2000 });
    expect(other.bedHeight).not.toEqual(run.bedHeight);
    expect(other.probes[0]!.voidage).not.toEqual(run.probes[0]!.voidage);
  });

  it('samples every Δt, with δ(t) = (H − H_mf)/H and voidages in [ε_mf, 1]', () => {
    expect(run.time.length).toBe(2000);
    expect(run.time[0]).toBeCloseTo(0.01, 12);
    expect(run.time[1999]).toBeCloseTo(20, 9);
    for (let i = 0; i < run.time.length; i += 97) {
      const H = run.bedHeight[i]!;
      expect(run.bubbleFraction[i]).toBeCloseTo((H - 1) / H, 12);
    }
    for (const probe of run.probes) {
      expect(probe.voidage.every((e) => e >= 0.42 - 1e-12 && e <= 1)).toBe(true);
      expect(probe.voidage.some((e) => e > 0.5)).toBe(true); // bubbles pass the slabs
    }
  });

  it('has local voidage and pressure drop falling with height, below the bed weight', () => {
    const weight = (sand.particles.density - sand.gas.density) * (1 - 0.42) * 9.80665 * 1; // Pa, H_mf = 1 m
    const voidages = run.probes.map((p) => mean(p.voidage));
    const pressures = run.probes.map((p) => mean(p.pressureDrop));
    for (let i = 1; i < run.probes.length; i++) {
      expect(voidages[i]).toBeLessThan(voidages[i - 1]!); // bubbles grow, so δ(h) falls with height
      expect(pressures[i]).toBeLessThan(pressures[i - 1]!);
    }
    expect(pressures[0]).toBeLessThan(weight);
    expect(pressures.at(-1)).toBeGreaterThan(0);
  });

  it('reads voidage 1 and no pressure drop above the bed surface', () => {
    const high = simulateBubblingBed(sand, U, { seed: 1, steps: 200, probeHeights: [3] });
    expect(high.probes[0]!.voidage.every((e) => e === 1)).toBe(true);
    expect(high.probes[0]!.pressureDrop.every((p) => p === 0)).toBe(true);
  });

  // Two-phase theory with the same Darton growth and U_mf: δ̄ = 0.2075 at U = 0.4 m/s.
  const theory = twoPhaseBed(sand, U);

  it('matches the two-phase bubble fraction within 3 % over 10⁴ steps with equal-size bubbles', () => {
    // Monodisperse bubbles carry exactly the two-phase gas flow at the two-phase velocity, so only
    // sampling noise and the Euler step separate them.
    const mono = simulateBubblingBed(sand, U, { seed: 11, steps: 10_000, sizeSpread: 0 });
    expect(relative(mean(mono.bubbleFraction), theory.meanBubbleFraction)).toBeLessThan(0.03);
    expect(relative(mean(mono.bedHeight), theory.expandedHeight)).toBeLessThan(0.03);
  });

  it('stays within 10 % of it with the default lognormal spread (big bubbles rise faster: δ lower)', () => {
    // Also the performance sanity run: 10⁴ steps of a 1-m bed (no timing assertion).
    const spread = simulateBubblingBed(sand, U, { seed: 12, steps: 10_000 });
    expect(spread.time.length).toBe(10_000);
    const ratio = mean(spread.bubbleFraction) / theory.meanBubbleFraction;
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.02);
  });

  it('conserves bubbles: every birth is absorbed, erupted or still in the bed', () => {
    const { born, absorbed, erupted } = run.stats;
    expect(born).toBeGreaterThan(absorbed + erupted);
    expect(born - absorbed - erupted).toBeLessThan(2000); // those alive at the end
    expect(erupted).toBeGreaterThan(0);
  });
});

describe('simulator validation', () => {
  const error = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (e instanceof FluidizationError) return e;
      throw e;
    }
    throw new Error('expected a FluidizationError');
  };

  it('names bad options', () => {
    expect(error(() => simulateBubblingBed(sand, U, { seed: 1, steps: 0 })).field).toBe('steps');
    expect(error(() => simulateBubblingBed(sand, U, { seed: 1, steps: 1.5 })).field).toBe('steps');
    expect(error(() => simulateBubblingBed(sand, U, { seed: 1, steps: 10, timeStep: 0 })).field).toBe('timeStep');
    const probe = error(() => simulateBubblingBed(sand, U, { seed: 1, steps: 10, probeHeights: [0.5, 0.01] }));
    expect(probe.field).toBe('probeHeights[1]');
    expect(probe.range).toBe('[0.025, ∞) m');
    expect(error(() => simulateBubblingBed(sand, 0.1, { seed: 1, steps: 10 })).field).toBe('superficialVelocity');
    expect(error(() => simulateBubblingBed(sand, U, { seed: 0.5, steps: 10 })).field).toBe('seed');
  });
});
