/**
 * The SIMD calling convention (simd/simd-function.ts, simd/call-list.ts): a call's arguments are
 * named, and its record holds them in the order of the function's declared parameters. The
 * `@ts-expect-error` lines are checked by `tsc`: a missing or unknown argument does not compile.
 */
import { describe, expect, it } from 'vitest';
import { CALL_WORDS, CallList } from '../src/wasm/simd/call-list.js';
import { affine, moments } from '../src/wasm/simd/channel-loops.js';
import { SIMD_FUNCTIONS } from '../src/wasm/simd/functions.js';
import { simdFunction } from '../src/wasm/simd/simd-function.js';

describe('CallList', () => {
  it("writes every function's arguments in its parameter order, whatever order they are named in", () => {
    SIMD_FUNCTIONS.forEach((fn, index) => {
      // Named in reverse order, valued by their parameter position (1-based).
      const args = Object.fromEntries([...fn.params].reverse().map((name) => [name, fn.params.indexOf(name) + 1]));
      const words = Array.from(new CallList().call(fn, args).words);
      const unused = CALL_WORDS - 1 - fn.params.length;
      expect(words).toEqual([index, ...fn.params.map((_, i) => i + 1), ...Array<number>(unused).fill(0)]);
    });
  });

  it('keeps calls and tasks apart', () => {
    const list = new CallList();
    const args = { x: 1, y: 2, scale: 3, shift: 4, blocks: 5, width: 6 };
    list.call(affine, args).call(affine, args).endTask().endTask().call(affine, args).endTask();
    expect([list.calls, list.tasks, list.bounds]).toEqual([3, 2, [0, 2, 3]]);
  });

  it('marks the named per-thread parameter', () => {
    expect(new CallList().threadOffset).toBeUndefined();
    expect(new CallList().perThread(moments, 'acc2', 64).threadOffset).toEqual({ arg: moments.params.indexOf('acc2'), bytes: 64 });
  });

  it('refuses a function the module does not hold', () => {
    const stray = simdFunction({ name: 'stray', params: ['x'], locals: [], body: () => [] });
    expect(() => new CallList().call(stray, { x: 1 })).toThrow(/stray is not a function of the SIMD module/);
  });

  it('types the arguments by parameter name', () => {
    const list = new CallList();
    // @ts-expect-error `width` is missing
    list.call(affine, { x: 1, y: 2, scale: 3, shift: 4, blocks: 5 });
    // @ts-expect-error `pivot` is not a parameter of affine
    list.call(affine, { x: 1, y: 2, scale: 3, shift: 4, blocks: 5, width: 6, pivot: 7 });
    // @ts-expect-error `scale` is not a parameter of moments
    list.perThread(moments, 'scale', 64);
    expect(list.calls).toBe(2);
  });
});
