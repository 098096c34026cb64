import { I32, op, V128, type FunctionBuilder } from './assembler.js';
import { simdFunction, type SimdFunction } from './simd-function.js';

/**
 * Per-channel loops over NHWC data with SIMD128. A "block" is 4 rows of C channels (4·C floats, a
 * whole number of vectors whatever C is), so every lane of the j-th vector of a block always holds
 * the same channels; per-channel arrays (scale, shift, accumulators) are laid out the same way,
 * `width` = 4·C floats, and callers fold the 4 copies of a channel together. Rows past the last
 * whole block are the caller's to handle.
 */

/**
 * for (block = 0; block < blocks; block++) for (o = 0; o < width·4 bytes; o += 16) body(o)
 * Every `stream` pointer advances by one block after each row of vectors; `channel` pointers do not.
 * Parameters: the stream pointers, the channel pointers, then blocks and width.
 */
function blockLoop<const S extends string, const C extends string>(
  name: string,
  { stream, channel }: { stream: readonly S[]; channel: readonly C[] },
  body: (f: FunctionBuilder) => (readonly number[])[],
): SimdFunction<S | C | 'blocks' | 'width'> {
  return simdFunction({
    name,
    params: [...stream, ...channel, 'blocks', 'width'],
    // `u`: a spare v128 for bodies that use a loaded value twice.
    locals: [
      ['block', I32],
      ['o', I32],
      ['bytes', I32],
      ['u', V128],
    ],
    body: (f) => [
      [...f.get('width'), ...op.i32(2), ...op.i32Shl, ...f.set('bytes')],
      [...op.block, ...op.loop, ...f.get('block'), ...f.get('blocks'), ...op.i32GeS, ...op.brIf(1)],
      [...op.i32(0), ...f.set('o')],
      [...op.block, ...op.loop, ...f.get('o'), ...f.get('bytes'), ...op.i32GeS, ...op.brIf(1)],
      ...body(f),
      [...f.bump('o', 16), ...op.br(0), ...op.end, ...op.end],
      ...stream.map((s) => f.bump(s, f.get('bytes'))),
      [...f.bump('block', 1), ...op.br(0), ...op.end, ...op.end],
    ],
  });
}

/** v128 at pointer local `p` plus the current vector offset `o`. */
const at = (f: FunctionBuilder, p: string): number[] => [...f.get(p), ...f.get('o'), ...op.i32Add];
const load = (f: FunctionBuilder, p: string): number[] => [...at(f, p), ...op.v128Load()];
/** p[o] += value: the per-channel accumulation every moment loop ends with. */
const accumulate = (f: FunctionBuilder, p: string, value: readonly (readonly number[])[]): (readonly number[])[] => [at(f, p), load(f, p), ...value, op.f32x4Add, op.v128Store()];

/** acc1 += x − pivot; acc2 += (x − pivot)²: shifted sums, so the variance does not cancel. */
export const moments = blockLoop('moments', { stream: ['x'], channel: ['pivot', 'acc1', 'acc2'] }, (g) => [
  load(g, 'x'),
  load(g, 'pivot'),
  op.f32x4Sub,
  g.set('u'),
  ...accumulate(g, 'acc1', [g.get('u')]),
  ...accumulate(g, 'acc2', [g.get('u'), g.get('u'), op.f32x4Mul]),
]);

/** acc1 += dy; acc2 += dy·(x − mean): the two sums batch norm's backward needs. */
export const gradMoments = blockLoop('gradMoments', { stream: ['dy', 'x'], channel: ['mean', 'acc1', 'acc2'] }, (g) => [
  load(g, 'dy'),
  g.set('u'),
  ...accumulate(g, 'acc1', [g.get('u')]),
  ...accumulate(g, 'acc2', [g.get('u'), load(g, 'x'), load(g, 'mean'), op.f32x4Sub, op.f32x4Mul]),
]);

/** y = x·scale + shift, per channel. */
export const affine = blockLoop('affine', { stream: ['x', 'y'], channel: ['scale', 'shift'] }, (g) => [
  at(g, 'y'),
  load(g, 'x'),
  load(g, 'scale'),
  op.f32x4Mul,
  load(g, 'shift'),
  op.f32x4Add,
  op.v128Store(),
]);

/** out = dy·a + x·b + k, per channel: batch norm's input gradient in closed form. */
export const affine2 = blockLoop('affine2', { stream: ['dy', 'x', 'out'], channel: ['a', 'b', 'k'] }, (g) => [
  at(g, 'out'),
  load(g, 'dy'),
  load(g, 'a'),
  op.f32x4Mul,
  load(g, 'x'),
  load(g, 'b'),
  op.f32x4Mul,
  op.f32x4Add,
  load(g, 'k'),
  op.f32x4Add,
  op.v128Store(),
]);
