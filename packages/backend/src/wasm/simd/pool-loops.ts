import { I32, op, V128, type FunctionBuilder, type ValType } from './assembler.js';
import { simdFunction } from './simd-function.js';

/**
 * Max-pool gradient for windows that tile the input without overlap or padding (stride = filter,
 * the usual 2×2/2): each input belongs to at most one window, so dx is written, never accumulated.
 * Four channels per vector; the last vector of a window is moved back to end at channel C (it may
 * overlap the previous one, which rewrites identical values), so C must be at least 4.
 *
 * Pass 1 finds each lane's maximum keeping the first on ties (`v > best`, as tfjs's cpu kernel);
 * pass 2 writes dy to the first position equal to it and 0 to the others.
 * Parameters: x, dy, dx byte pointers; n images, the output's and the window's height and width,
 * the input's height and width, channels.
 */
export const maxPoolGrad = simdFunction({
  name: 'maxPoolGrad',
  params: ['x', 'dy', 'dx', 'n', 'outH', 'outW', 'kh', 'kw', 'inH', 'inW', 'channels'],
  locals: [
    ...['b', 'oy', 'ox', 'ch', 'lane', 'r', 'c', 'base', 'pos', 'dyp', 'rowStep', 'colStep', 'lastCh'].map((name): [string, ValType] => [name, I32]),
    ['best', V128],
    ['v', V128],
    ['g', V128],
    ['taken', V128],
  ],
  body: maxPoolGradBody,
});

function maxPoolGradBody(f: FunctionBuilder): (readonly number[])[] {
  const { get, set } = f;
  const mul = (a: number[], b: number[]): number[] => [...a, ...b, ...op.i32Mul];
  const add = (a: number[], b: number[]): number[] => [...a, ...b, ...op.i32Add];
  // Byte offset of window position (r, c) for the current lane: base + r·rowStep + c·colStep + lane.
  const position = add(add(add(get('base'), mul(get('r'), get('rowStep'))), mul(get('c'), get('colStep'))), get('lane'));
  const overWindow = (body: (readonly number[])[]): number[] =>
    f.forLoop('r', op.i32(0), get('kh'), 1, [f.forLoop('c', op.i32(0), get('kw'), 1, [position, set('pos'), ...body])]);

  const perLane = [
    // lane = min(ch, channels − 4) · 4 bytes
    get('ch'),
    get('lastCh'),
    get('ch'),
    get('lastCh'),
    op.i32LtS,
    op.select,
    op.i32(2),
    op.i32Shl,
    set('lane'),
    get('x'),
    add(get('base'), get('lane')),
    op.i32Add,
    op.v128Load(),
    set('best'),
    overWindow([
      [...get('x'), ...get('pos'), ...op.i32Add, ...op.v128Load()],
      set('v'),
      get('v'),
      get('best'),
      get('v'),
      get('best'),
      op.f32x4Gt,
      op.v128Bitselect,
      set('best'),
    ]),
    add(get('dy'), add(get('dyp'), get('lane'))),
    op.v128Load(),
    set('g'),
    // taken = 0 (v128 xor itself)
    get('g'),
    get('g'),
    op.v128AndNot,
    set('taken'),
    overWindow([
      // hit = (x == best) & ~taken; dx = dy & hit; taken |= hit
      [...get('x'), ...get('pos'), ...op.i32Add, ...op.v128Load()],
      get('best'),
      op.f32x4Eq,
      get('taken'),
      op.v128AndNot,
      set('v'),
      add(get('dx'), get('pos')),
      get('g'),
      get('v'),
      op.v128And,
      op.v128Store(),
      get('taken'),
      get('v'),
      op.v128Or,
      set('taken'),
    ]),
  ];

  const windowBase = mul(add(mul(add(mul(get('b'), get('inH')), mul(get('oy'), get('kh'))), get('inW')), mul(get('ox'), get('kw'))), get('colStep'));
  return [
    mul(get('channels'), op.i32(4)),
    set('colStep'),
    mul(get('inW'), get('colStep')),
    set('rowStep'),
    get('channels'),
    op.i32(4),
    op.i32Sub,
    set('lastCh'),
    op.i32(0),
    set('dyp'),
    f.forLoop('b', op.i32(0), get('n'), 1, [
      f.forLoop('oy', op.i32(0), get('outH'), 1, [
        f.forLoop('ox', op.i32(0), get('outW'), 1, [
          windowBase,
          set('base'),
          f.forLoop('ch', op.i32(0), get('channels'), 4, perLane),
          f.bump('dyp', get('colStep')),
        ]),
      ]),
    ]),
  ];
}
