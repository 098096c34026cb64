import type { SeedPoint } from './judgement.js';

/** The points as a complete seeds × swept-values table: `rows[s][i]` is seed `seeds[s]` at `xs[i]`. */
export interface SeedGrid {
  xs: number[];
  seeds: number[];
  rows: number[][];
}

/**
 * The finite points on the swept values that every seed reached (a value one seed lacks would
 * leave that seed's comparisons incomplete); several points of one seed at one value count as
 * their mean. Values sorted, seeds sorted.
 */
export function seedGrid(points: readonly SeedPoint[]): SeedGrid {
  const cells = new Map<number, Map<number, number[]>>();
  for (const { x, seed, y } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const bySeed = cells.get(seed) ?? new Map<number, number[]>();
    bySeed.set(x, [...(bySeed.get(x) ?? []), y]);
    cells.set(seed, bySeed);
  }
  const seeds = [...cells.keys()].sort((a, b) => a - b);
  const everyXs = seeds.map((s) => new Set(cells.get(s)!.keys()));
  const xs = seeds.length === 0 ? [] : [...everyXs[0]!].filter((x) => everyXs.every((set) => set.has(x))).sort((a, b) => a - b);
  const mean = (ys: number[]) => ys.reduce((a, b) => a + b, 0) / ys.length;
  return { xs, seeds, rows: seeds.map((s) => xs.map((x) => mean(cells.get(s)!.get(x)!))) };
}
