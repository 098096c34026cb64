/**
 * Seeds derived from other seeds and names, so shuffles, noise and partitions are pure functions
 * of their inputs and can be recomputed on resume instead of stored.
 */

/** Mixes 32-bit words into one well-spread 32-bit hash (murmur3's finaliser over a running state). */
export function hashInts(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    h = Math.imul(h ^ (word >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** FNV-1a of a string, to fold names (dataset, split, kind) into a seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A seeded 32-bit key for one integer (a keyed lowbias32-style finaliser): sorting by
 * `hashSeeded(seed, id)` orders ids randomly but repeatably, e.g. to break ties in a ranking.
 * Not interchangeable with `hashInts(seed, id)`: rankings already written depend on these values.
 */
export function hashSeeded(seed: number, value: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ value;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
