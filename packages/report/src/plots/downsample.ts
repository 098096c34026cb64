import { xorshift32 } from '@mgdl/random';

/**
 * Picks `max` items by a seeded partial Fisher–Yates shuffle and returns them in input order:
 * the same input always gives the same subset, and unlike a stride it cannot alias with any
 * periodic ordering of the input (by class, by batch).
 */
export function downsample<T>(items: readonly T[], max: number, seed = 0x9e3779b9): T[] {
  if (items.length <= max) return [...items];
  const indices = Uint32Array.from(items.keys());
  // xorshift32: tiny, seedable, and plenty for choosing which points to draw.
  const next = xorshift32(seed);
  for (let i = 0; i < max; i++) {
    const j = i + (next() % (items.length - i));
    const picked = indices[j]!;
    indices[j] = indices[i]!;
    indices[i] = picked;
  }
  return [...indices.subarray(0, max)].sort((a, b) => a - b).map((i) => items[i]!);
}
