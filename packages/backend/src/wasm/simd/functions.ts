import type { FunctionBuilder } from './assembler.js';
import { affine2Fn, affineFn, gradMomentsFn, momentsFn } from './channel-loops.js';
import { maxPoolGradFn } from './pool-loops.js';
import { CONV_FILTER_TILES, convFilterFn } from './conv-filter-loops.js';
import { CONV_NARROW_TILES, CONV_TILES, convFn } from './conv-loops.js';

/**
 * The SIMD module's functions in export order. Call lists (call-list.ts) name a function by its
 * index here, so a worker can look it up in its own instance of the same module.
 */
export const SIMD_FUNCTION_NAMES: readonly string[] = [
  'moments',
  'gradMoments',
  'affine',
  'affine2',
  'maxPoolGrad',
  ...CONV_FILTER_TILES.map(([ci, co]) => `convFilter${ci}x${co}`),
  ...CONV_TILES.map(([p, co]) => `conv${p}x${co}`),
  ...CONV_NARROW_TILES.map(([p, lanes]) => `conv${p}n${lanes}`),
];

export function buildSimdFunctions(): FunctionBuilder[] {
  const functions = [momentsFn(), gradMomentsFn(), affineFn(), affine2Fn(), maxPoolGradFn(), ...CONV_FILTER_TILES.map(([ci, co]) => convFilterFn(ci, co)), ...CONV_TILES.map(([p, co]) => convFn(p, co)), ...CONV_NARROW_TILES.map(([p, lanes]) => convFn(p, 1, lanes))];
  functions.forEach((f, i) => {
    if (f.name !== SIMD_FUNCTION_NAMES[i]) throw new Error(`simd: function ${i} is ${f.name}, expected ${SIMD_FUNCTION_NAMES[i]}`);
  });
  return functions;
}

/** Most parameters of any SIMD function: every call record has this many argument slots. */
export const MAX_ARGS = 14;
