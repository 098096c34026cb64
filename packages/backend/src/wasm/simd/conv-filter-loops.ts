import { I32, op, V128, type ValType } from './assembler.js';
import { simdFunction } from './simd-function.js';

/**
 * The filter gradient's inner product for one image and one filter tap, as a register-blocked SIMD
 * GEMM: acc[i][co] += Σ_pixels X[p][ci0 + i] · dY[p][co] over a rows × cols rectangle of output
 * pixels, for a tile of `ciTile` input channels (each broadcast from a scalar load) by 4·`coVecs`
 * output channels (vectors of dy). The tile's accumulators stay in registers for the whole
 * rectangle; one call walks every output-channel block, the last one moved back to end at Co
 * (overlapping blocks recompute the same sums into their own accumulators).
 *
 * Parameters (byte pointers and byte strides): x (at the tile's first input channel and the
 * rectangle's first input pixel), dy (rectangle's first pixel, channel 0), acc (this tile's
 * accumulators: coBlocks × ciTile × coVecs vectors), rows, cols, xRow, dyRow, xPix, dyPix,
 * coBlocks, lastCo (byte offset of the last output-channel block).
 */
function convFilterTile(ciTile: number, coVecs: number) {
  const accNames = Array.from({ length: ciTile * coVecs }, (_, k) => `a${k}`);
  const dNames = Array.from({ length: coVecs }, (_, j) => `d${j}`);
  return simdFunction({
    name: `convFilter${ciTile}x${coVecs}`,
    params: ['x', 'dy', 'acc', 'rows', 'cols', 'xRow', 'dyRow', 'xPix', 'dyPix', 'coBlocks', 'lastCo'],
    locals: [
      ...['cb', 'coOff', 'r', 'c', 'px', 'pd', 'rowX', 'rowD', 'accPtr'].map((n): [string, ValType] => [n, I32]),
      ...[...accNames, ...dNames, 's'].map((n): [string, ValType] => [n, V128]),
    ],
    body: (f) => {
      const { get, set } = f;
      const vecBytes = 16 * coVecs;
      const tileBytes = 16 * accNames.length;

      const pixel: number[][] = [
        ...dNames.map((d, j) => [...get('pd'), ...op.v128Load(16 * j), ...set(d)]),
        ...Array.from({ length: ciTile }, (_, i) => [
          ...get('px'),
          ...(i > 0 ? [...op.i32(4 * i), ...op.i32Add] : []),
          ...op.v128Splat32,
          ...set('s'),
          ...dNames.flatMap((d, j) => [...get(`a${i * coVecs + j}`), ...get('s'), ...get(d), ...op.f32x4Mul, ...op.f32x4Add, ...set(`a${i * coVecs + j}`)]),
        ]),
        f.bump('px', get('xPix')),
        f.bump('pd', get('dyPix')),
      ];

      const block: number[][] = [
        // coOff = min(cb · vecBytes, lastCo)
        [...get('cb'), ...op.i32(vecBytes), ...op.i32Mul, ...set('coOff')],
        [...get('coOff'), ...get('lastCo'), ...get('coOff'), ...get('lastCo'), ...op.i32LtS, ...op.select, ...set('coOff')],
        [...get('acc'), ...get('cb'), ...op.i32(tileBytes), ...op.i32Mul, ...op.i32Add, ...set('accPtr')],
        ...accNames.map((a, k) => [...get('accPtr'), ...op.v128Load(16 * k), ...set(a)]),
        [...get('x'), ...set('rowX'), ...get('dy'), ...get('coOff'), ...op.i32Add, ...set('rowD')],
        f.forLoop('r', op.i32(0), get('rows'), 1, [
          [...get('rowX'), ...set('px'), ...get('rowD'), ...set('pd')],
          f.forLoop('c', op.i32(0), get('cols'), 1, pixel),
          f.bump('rowX', get('xRow')),
          f.bump('rowD', get('dyRow')),
        ]),
        ...accNames.map((a, k) => [...get('accPtr'), ...get(a), ...op.v128Store(16 * k)]),
      ];
      return [f.forLoop('cb', op.i32(0), get('coBlocks'), 1, block)];
    },
  });
}

/** The tiles the module holds, CONV_FILTER_TILES[ciTile − 1][coVecs − 1]: 1–4 input channels by 4 or 8 output channels. */
export const CONV_FILTER_TILES = [1, 2, 3, 4].map((ci) => [1, 2].map((co) => convFilterTile(ci, co)));
