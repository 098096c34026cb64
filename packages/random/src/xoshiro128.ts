/** A seeded stream of random numbers with the distributions a stochastic simulation draws from. */
export interface RandomStream {
  /** Uniform on the open interval (0, 1), so its logarithm is always finite. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Exponential with unit mean. */
  exponential(): number;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"): 128 bits
 * of state, period 2¹²⁸ − 1, 32-bit output, all in 32-bit integer arithmetic (Math.imul), so it is
 * fast in JavaScript and bit-identical on every engine. Its state is filled from the seed by a
 * SplitMix-style hash (golden-ratio increment + Murmur3 finaliser), as the authors recommend, so
 * nearby seeds give unrelated streams. Normals by Box–Muller, keeping the second value.
 *
 * The bubble simulator of @mgdl/fluidization draws from this stream (a long period for long
 * simulations, and every seed below 2⁵³ distinct); `createRandom` (mulberry32) serves everything else.
 * Throws a RangeError unless `seed` is a safe integer.
 */
export function xoshiro128ss(seed: number): RandomStream {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  // Fold the high 21 bits in too, so seeds that differ only above 2³² still give different streams.
  let mix = (seed | 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x27d4eb2d);
  const splitmix = () => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  const nextUint32 = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const uniform = () => (nextUint32() + 0.5) / 4294967296;
  let spare: number | undefined;
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const radius = Math.sqrt(-2 * Math.log(uniform()));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    exponential: () => -Math.log(uniform()),
  };
}
