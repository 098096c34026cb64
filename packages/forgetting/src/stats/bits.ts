/** Set bits of a 32-bit word (SWAR popcount). */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Calls `visit(position)` for each set bit of `word`, the word being bits 32·w … 32·w+31. */
export function forEachBit(word: number, w: number, visit: (position: number) => void): void {
  let bits = word >>> 0;
  while (bits !== 0) {
    const low = bits & -bits;
    visit((w << 5) + (31 - Math.clz32(low)));
    bits = (bits ^ low) >>> 0;
  }
}

/** A bit mask over sample positions, in the history's word layout. */
export function maskOf(positions: Iterable<number>, rowWords: number): Uint32Array {
  const mask = new Uint32Array(rowWords);
  for (const p of positions) mask[p >> 5]! |= 1 << (p & 31);
  return mask;
}
