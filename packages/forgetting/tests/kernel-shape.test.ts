import type { BatchEndEvent, InferencePassEvent, KernelPlugin } from '@mgdl/kernel';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { aum, dataMaps, el2n, forgettingStatistics, lastLoss, type PerSampleEvent, type PerSamplePlugin, type RecorderPlugin } from '../src/index.js';

// The core declares the kernel's plugin shape itself instead of importing @mgdl/kernel (and tfjs);
// `npm run typecheck` proves the two stay compatible.
describe('the kernel shape the per-sample plugins implement', () => {
  it('is a KernelPlugin, and the kernel events are what the per-sample plugins read', () => {
    expectTypeOf<PerSamplePlugin>().toExtend<KernelPlugin>();
    expectTypeOf<RecorderPlugin>().toEqualTypeOf<PerSamplePlugin>();
    expectTypeOf<BatchEndEvent>().toExtend<PerSampleEvent>();
    expectTypeOf<InferencePassEvent>().toExtend<PerSampleEvent>();
    const plugins: KernelPlugin[] = [forgettingStatistics({ ids: Int32Array.of(0) }), aum(), el2n(), dataMaps(), lastLoss({ source: 'presentation' })];
    expect(plugins.map((p) => p.name)).toEqual(['forgetting-statistics', 'aum:inference-pass', 'el2n:inference-pass', 'data-maps:inference-pass', 'last-loss:presentation']);
  });
});
