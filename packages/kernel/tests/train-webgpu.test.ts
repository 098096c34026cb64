/**
 * train() on the webgpu backend (in CI, Mesa's llvmpipe, a software adapter): per-sample results
 * (losses, correctness, logits) stay on the device until the step's one download.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { train, type BatchEndEvent } from '../src/index.js';
import { toyBatcher, toyModel } from './fixtures/toy.js';

beforeAll(async () => {
  const report = await initBackend({ backend: 'webgpu' });
  expect(report.name).toBe('webgpu');
});

describe('train() on webgpu', () => {
  it('downloads once per step, per-sample arrays and logits included, and never reads synchronously', async () => {
    const backend = tf.engine().backend;
    const read = vi.spyOn(backend, 'read');
    const readSync = vi.spyOn(backend, 'readSync');
    const readsAtBatchEnd: number[] = [];
    const events: BatchEndEvent[] = [];
    const result = await train({
      model: toyModel,
      data: toyBatcher(48, 16),
      epochs: 1,
      learningRate: 0.02,
      progress: false,
      plugins: [
        {
          name: 'per-sample',
          perSample: true,
          logits: true,
          onRunStart: () => void readsAtBatchEnd.push(read.mock.calls.length),
          onBatchEnd: (event) => {
            readsAtBatchEnd.push(read.mock.calls.length);
            events.push(event);
          },
        },
      ],
    });
    expect(result.steps).toBe(3);
    const perStep = readsAtBatchEnd.slice(1).map((reads, i) => reads - readsAtBatchEnd[i]!);
    expect(perStep, 'downloads in each step').toEqual([1, 1, 1]);
    expect(readSync).not.toHaveBeenCalled();
    for (const event of events) {
      expect(event.loss).toHaveLength(16);
      expect(event.correct).toHaveLength(16);
      expect(event.logits).toHaveLength(16 * 2);
      expect(Array.from(event.loss!).every(Number.isFinite)).toBe(true);
    }
    read.mockRestore();
    readSync.mockRestore();
  });
});
