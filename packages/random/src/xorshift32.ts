/**
 * xorshift32 (Marsaglia 2003, shifts 13/17/5): integers in [1, 2³²), the same for the same seed.
 * The seed is taken modulo 2³²; 0 (a fixed point of the generator) counts as 1. Weak statistically,
 * but enough to pick which points of a large scatter plot @mgdl/report draws, whose figures depend
 * on exactly these values; use `createRandom` for anything else.
 */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
