import type { Affine } from '@mgdl/constraints';
import { simulateBubblingBed, solveStructure, twoPhaseBed, type FluidizedBed } from '@mgdl/fluidization';
import { Batcher, fromArrays } from '@mgdl/datasets';
import { hashInts, permutation, xoshiro128ss } from '@mgdl/random';

/** Geldart B sand in a 0.5 m column (the bed of the fluidization and constraints READMEs). */
export const sand: FluidizedBed = {
  gas: { density: 1.204, viscosity: 1.81e-5 },
  particles: { diameter: 500e-6, density: 2600, sphericity: 0.86 },
  bed: { columnDiameter: 0.5, staticHeight: 1, minFluidizationVoidage: 0.42, distributorAreaPerOrifice: 1e-3 },
};

/** Operating-condition ranges: U in m/s, dp in m, ρp in kg/m³ (all inside the bubbling regime of the sand above). */
export interface Ranges {
  velocity: readonly [number, number];
  diameter: readonly [number, number];
  density: readonly [number, number];
}

export interface Samples {
  /** [U, dp, ρp] per sample, SI. */
  x: number[][];
  /** [ε_e, U_e, δ, u_b] per sample, SI (the bed layout's default outputs). */
  y: number[][];
}

const systemAt = (dp: number, rho: number): FluidizedBed => ({ ...sand, particles: { ...sand.particles, diameter: dp, density: rho } });

/** The structure model's answer [ε_e, U_e, δ, u_b] at each operating point. */
export function structureOf(x: readonly (readonly number[])[]): number[][] {
  return x.map(([U, dp, rho]) => {
    const s = solveStructure(systemAt(dp!, rho!), U!);
    return [s.emulsionVoidage, s.emulsionVelocity, s.bubbleFraction, s.bubbleRiseVelocity];
  });
}

const lerp = ([a, b]: readonly [number, number], t: number) => a + (b - a) * t;

/**
 * n operating points: 'random' draws them uniformly in the ranges (seeded); 'grid' takes the
 * k×k×k lattice with k = ⌈n^⅓⌉ (cell centres) and keeps a seeded random n of its points.
 */
export function operatingPoints(n: number, ranges: Ranges, sampling: 'random' | 'grid', seed: number): number[][] {
  const random = xoshiro128ss(seed);
  if (sampling === 'random') return Array.from({ length: n }, () => [lerp(ranges.velocity, random.uniform()), lerp(ranges.diameter, random.uniform()), lerp(ranges.density, random.uniform())]);
  const k = Math.ceil(Math.cbrt(n));
  const lattice: number[][] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) lattice.push([lerp(ranges.velocity, (i + 0.5) / k), lerp(ranges.diameter, (j + 0.5) / k), lerp(ranges.density, (l + 0.5) / k)]);
  return shuffled(lattice.length, seed).slice(0, n).map((i) => lattice[i]!);
}

/** A seeded permutation of 0…n−1 (Fisher–Yates). */
export function shuffled(n: number, seed: number): number[] {
  return Array.from(permutation(n, xoshiro128ss(seed).uniform));
}

/**
 * Measured training labels: the bubble fraction as a probe would see it over a finite window. The
 * bubble simulator (equal-size bubbles, so its long-run mean is the two-phase δ̄) runs `window`
 * seconds at the sample's conditions; δ is scaled by (windowed mean)/(two-phase δ̄), i.e. it carries
 * the simulator's relative sampling fluctuation. The other three outputs stay exact (a probe does not see them).
 */
export function withMeasuredBubbleFraction(samples: Samples, window: number, seed: number): Samples {
  const y = samples.x.map(([U, dp, rho], i) => {
    const system = systemAt(dp!, rho!);
    const series = simulateBubblingBed(system, U!, { seed: hashInts(seed, i), steps: Math.max(1, Math.round(window / 0.01)), sizeSpread: 0 });
    const mean = series.bubbleFraction.reduce((a, b) => a + b, 0) / series.bubbleFraction.length;
    const row = [...samples.y[i]!];
    row[2] = row[2]! * (mean / twoPhaseBed(system, U!).meanBubbleFraction);
    return row;
  });
  return { x: samples.x, y };
}

/** Column means and population standard deviations. */
export function standardisation(rows: readonly (readonly number[])[]): Affine {
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / rows.length) || 1);
  return { mean, std };
}

export const scaleRows = (rows: readonly (readonly number[])[], { mean, std }: Affine): number[][] => rows.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));

/**
 * The training batches: an "epoch" is `batchesPerEpoch` batches of min(batchSize, n) rows taken in
 * turn from seeded reshuffles of the rows (the Batcher's fixed batch count), so every training
 * fraction gets the same number of optimizer steps per epoch. Seeded by (seed, epoch), so a resumed
 * run sees the same batches.
 */
export function trainingBatches(rows: Samples, options: { batchSize: number; batchesPerEpoch: number; seed: number }): Batcher {
  return new Batcher(regressionTable(rows, 'train'), { ...options, normalize: false });
}

/** All rows in order, in batches of `batchSize` (for evaluation). */
export function evaluationBatches(rows: Samples, batchSize = 1000): Batcher {
  return new Batcher(regressionTable(rows, 'test'), { batchSize, shuffle: false, normalize: false });
}

/** Rows already standardised by the cell (with the pool's scaling), as a regression table; sample id = row. */
const regressionTable = ({ x, y }: Samples, split: 'train' | 'test') => fromArrays({ name: 'bubbling-bed', split, x: x.flat(), shape: [x.length, x[0]!.length], targets: y.flat() });
