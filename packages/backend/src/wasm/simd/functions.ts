import { adamStep } from './adam-loop.js';
import { assemble } from './assembler.js';
import { affine, affine2, gradMoments, moments } from './channel-loops.js';
import { CONV_FILTER_TILES } from './conv-filter-loops.js';
import { CONV_TILES, NARROW_CONV_TILES } from './conv-loops.js';
import { maxPoolGrad } from './pool-loops.js';
import { buildFunction, type SimdFunction } from './simd-function.js';

/**
 * The SIMD module's functions in export order. A call record names its function by its index
 * here, so a worker can find it in its own instance of the same module.
 */
export const SIMD_FUNCTIONS: readonly SimdFunction[] = [moments, gradMoments, affine, affine2, maxPoolGrad, ...CONV_FILTER_TILES.flat(), ...CONV_TILES.flat(), ...NARROW_CONV_TILES.flat(), adamStep];

/** Most parameters of any SIMD function: every call record has this many argument slots. */
export const MAX_ARGS = Math.max(...SIMD_FUNCTIONS.map((fn) => fn.params.length));

/** The module's bytes; `shared` must match the heap it will be instantiated on. */
export const simdModuleBytes = (shared: boolean): Uint8Array => assemble(SIMD_FUNCTIONS.map(buildFunction), shared);
