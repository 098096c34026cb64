import { I32, op, V128, type ValType } from './assembler.js';
import { simdFunction } from './simd-function.js';

/**
 * A stride-1, dilation-1 convolution over a zero-padded NHWC input as a register-blocked SIMD GEMM:
 * a tile of `pixels` consecutive output pixels × 4·`coVecs` output channels stays in registers while
 * it sums, for each of the fh filter rows, the fw·ci inputs of that row — contiguous in the padded
 * input, since stride and dilation are 1 — each broadcast from a scalar load and multiplied by a
 * row of filter vectors (HWIO, so [fh][fw·ci][co] is contiguous too). Starts from the bias.
 *
 * One call covers `rows` output rows of `cols` pixels (cols ≥ pixels; the last pixel tile and the last
 * output-channel block are moved back to end at the row / at Co, recomputing identical values).
 * Parameters (byte pointers and byte strides): x (padded input at the first output pixel's window),
 * w, y (first output pixel), bias, rows, cols, fh, k (= fw·ci, floats per filter row), xRow, yRow,
 * ciBytes (one input pixel), coBytes (one output pixel and one filter row of Co), coBlocks, lastCo.
 * A `narrow` tile (coVecs 1) is for Co = narrow < 4: it stores only the first `narrow` lanes of
 * each pixel and reads a filter and bias zero-padded to 4 output channels.
 */
function convTile(pixels: number, coVecs: number, narrow?: number) {
  const accNames = Array.from({ length: pixels * coVecs }, (_, i) => `a${i}`);
  const wNames = Array.from({ length: coVecs }, (_, j) => `w${j}`);
  const offsets = Array.from({ length: pixels - 1 }, (_, p) => `off${p + 1}`);
  return simdFunction({
    name: narrow ? `conv${pixels}n${narrow}` : `conv${pixels}x${coVecs}`,
    params: ['x', 'w', 'y', 'bias', 'rows', 'cols', 'fh', 'k', 'xRow', 'yRow', 'ciBytes', 'coBytes', 'coBlocks', 'lastCo'],
    locals: [
      ...['r', 't', 'pix', 'cb', 'coOff', 'ky', 'kk', 'px', 'pw', 'rowX', 'rowY', 'tileX', 'tileY', 'lastPix', ...offsets].map((n): [string, ValType] => [n, I32]),
      ...[...accNames, ...wNames, 's'].map((n): [string, ValType] => [n, V128]),
    ],
    body: (f) => {
      const { get, set } = f;
      const acc = (p: number, j: number) => `a${p * coVecs + j}`;

      // Per input value of the filter row: the filter vectors, then each pixel's broadcast input.
      const step: number[][] = [
        ...wNames.map((wn, j) => [...get('pw'), ...get('coOff'), ...op.i32Add, ...op.v128Load(16 * j), ...set(wn)]),
        ...Array.from({ length: pixels }, (_, p) => [
          ...get('px'),
          ...(p > 0 ? [...get(`off${p}`), ...op.i32Add] : []),
          ...op.v128Splat32,
          ...set('s'),
          ...wNames.flatMap((wn, j) => [...get(acc(p, j)), ...get('s'), ...get(wn), ...op.f32x4Mul, ...op.f32x4Add, ...set(acc(p, j))]),
        ]),
        f.bump('px', 4),
        // Narrow tiles read a filter zero-padded to 4 output channels: one vector per filter row.
        f.bump('pw', narrow ? op.i32(16) : get('coBytes')),
      ];

      const block: number[][] = [
        // coOff = min(cb · 16·coVecs, lastCo)
        [...get('cb'), ...op.i32(16 * coVecs), ...op.i32Mul, ...set('coOff')],
        [...get('coOff'), ...get('lastCo'), ...get('coOff'), ...get('lastCo'), ...op.i32LtS, ...op.select, ...set('coOff')],
        ...Array.from({ length: pixels }, (_, p) => wNames.map((_, j) => [...get('bias'), ...get('coOff'), ...op.i32Add, ...op.v128Load(16 * j), ...set(acc(p, j))]).flat()),
        [...get('w'), ...set('pw')],
        f.forLoop('ky', op.i32(0), get('fh'), 1, [
          [...get('tileX'), ...get('ky'), ...get('xRow'), ...op.i32Mul, ...op.i32Add, ...set('px')],
          f.forLoop('kk', op.i32(0), get('k'), 1, step),
        ]),
        ...Array.from({ length: pixels }, (_, p) =>
          wNames.map((_, j) => {
            const at = [...get('tileY'), ...(p > 0 ? [...get('coBytes'), ...op.i32(p), ...op.i32Mul, ...op.i32Add] : []), ...get('coOff'), ...op.i32Add];
            if (!narrow) return [...at, ...get(acc(p, j)), ...op.v128Store(16 * j)];
            // Only the first `narrow` lanes: the next pixel's channels start right after them.
            const low = narrow === 1 ? op.v128Store32Lane(0, 0) : op.v128Store64Lane(0, 0);
            return [...at, ...get(acc(p, j)), ...low, ...(narrow === 3 ? [...at, ...get(acc(p, j)), ...op.v128Store32Lane(8, 2)] : [])];
          }).flat(),
        ),
      ];

      const tile: number[][] = [
        // pix = min(t, lastPix): the last tile ends at the row's last pixel.
        [...get('t'), ...get('lastPix'), ...get('t'), ...get('lastPix'), ...op.i32LtS, ...op.select, ...set('pix')],
        [...get('rowX'), ...get('pix'), ...get('ciBytes'), ...op.i32Mul, ...op.i32Add, ...set('tileX')],
        [...get('rowY'), ...get('pix'), ...get('coBytes'), ...op.i32Mul, ...op.i32Add, ...set('tileY')],
        f.forLoop('cb', op.i32(0), get('coBlocks'), 1, block),
      ];

      return [
        ...offsets.map((o, i) => [...get('ciBytes'), ...op.i32(i + 1), ...op.i32Mul, ...set(o)]),
        [...get('cols'), ...op.i32(pixels), ...op.i32Sub, ...set('lastPix')],
        [...get('x'), ...set('rowX'), ...get('y'), ...set('rowY')],
        f.forLoop('r', op.i32(0), get('rows'), 1, [
          f.forLoop('t', op.i32(0), get('cols'), pixels, tile),
          f.bump('rowX', get('xRow')),
          f.bump('rowY', get('yRow')),
        ]),
      ];
    },
  });
}

/** The wide tiles the module holds, CONV_TILES[pixels − 1][coVecs − 1]: 1–4 pixels (rows narrower than 4) by 4 or 8 channels. */
export const CONV_TILES = [1, 2, 3, 4].map((p) => [1, 2].map((co) => convTile(p, co)));

/** The narrow tiles, NARROW_CONV_TILES[pixels − 1][lanes − 1]: 1–4 pixels by 1–3 output channels. */
export const NARROW_CONV_TILES = [1, 2, 3, 4].map((p) => [1, 2, 3].map((lanes) => convTile(p, 1, lanes)));
