import type { BatchEndEvent, InferencePassEvent, KernelPlugin } from '@mgdl/kernel';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { aum, dataMaps, el2n, forgettingStatistics, type PerSampleEvent, type RecorderPlugin } from '../src/index.js';

// The core declares the kernel's plugin shape itself instead of importing @mgdl/kernel (and tfjs);
// `npm run typecheck` proves the two stay compatible.
describe('the kernel shape the recorders implement', () => {
  it('is a KernelPlugin, and the kernel events are what the recorders read', () => {
    expectTypeOf<RecorderPlugin>().toExtend<KernelPlugin>();
    expectTypeOf<BatchEndEvent>().toExtend<PerSampleEvent>();
    expectTypeOf<InferencePassEvent>().toExtend<PerSampleEvent>();
    const plugins: KernelPlugin[] = [forgettingStatistics({ ids: Int32Array.of(0) }), aum(), el2n(), dataMaps()];
    expect(plugins.map((p) => p.name)).toEqual(['forgetting-statistics', 'aum:inference-pass', 'el2n:inference-pass', 'data-maps:inference-pass']);
  });
});
