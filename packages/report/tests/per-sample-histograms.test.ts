import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import { perSampleHistograms } from '../src/run/per-sample-histograms.js';
import { EventFileWriter, readEventFile } from '../src/tensorboard/index.js';

const random = createRandom(11);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** What the histograms showed before they were kept by position: a Map per epoch, latest value per id, in first-arrival order, finite ones only. */
class MapPerEpoch {
  loss = new Map<number, number>();
  margin = new Map<number, number>();
  observe({ ids, loss, margin }: { ids: Int32Array; loss?: Float32Array; margin?: Float32Array }): void {
    ids.forEach((id, i) => {
      if (loss) this.loss.set(id, loss[i]!);
      if (margin) this.margin.set(id, margin[i]!);
    });
  }
  take(): { loss: number[]; margin: number[] } {
    const values = { loss: [...this.loss.values()].filter(Number.isFinite), margin: [...this.margin.values()].filter(Number.isFinite) };
    this.loss = new Map();
    this.margin = new Map();
    return values;
  }
}

const value = () => (random() < 0.05 ? pick([Number.NaN, Infinity, -Infinity]) : 4 * random() - 2);

describe('per-sample histograms', () => {
  // Ids that are not 0…n−1: a subset of a large dataset, then ids far apart (the index turns sparse) that first arrive in epoch 2.
  const early = Array.from({ length: 40 }, (_, i) => 1009 * i + 7);
  const late = Array.from({ length: 10 }, (_, i) => 2_000_000_000 - 99_991 * i);

  it('show each sample’s latest value of the epoch, in the order a Map by id gave, with ids that repeat, are far apart or arrive late', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-histograms-'));
    const file = new EventFileWriter(dir);
    const histograms = perSampleHistograms(undefined);
    const reference = new MapPerEpoch();
    for (let epoch = 0; epoch < 5; epoch++) {
      const pool = epoch < 2 ? early.slice(0, 25) : [...early, ...late];
      for (let b = 0; b < 8; b++) {
        // Ids repeat within a batch (pick with replacement); some batches carry no margins, one neither array.
        const ids = Int32Array.from({ length: 1 + Math.floor(random() * 30) }, () => pick(pool));
        const event = {
          ids,
          ...(b === 7 && epoch === 3 ? {} : { loss: Float32Array.from(ids, value) }),
          ...(b % 3 === 1 ? {} : { margin: Float32Array.from(ids, value) }),
        };
        histograms.observe(event);
        reference.observe(event);
      }
      const expected = reference.take();
      expect(histograms.epochValues()).toEqual(expected);
      expect(expected.loss.length).toBeGreaterThan(10);
      histograms.write(file, epoch + 1);
    }
    file.close();
    // One record for the file version, then loss and margin histograms for each of the 5 epochs.
    const records = readEventFile(join(dir, readdirSync(dir)[0]!));
    expect(records.slice(1).map((r) => r.step)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('start each epoch empty: a sample not presented again has no value in the next epoch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-histograms-'));
    const file = new EventFileWriter(dir);
    const histograms = perSampleHistograms(undefined);
    histograms.observe({ ids: Int32Array.of(5, 3, 5), loss: Float32Array.of(1, 2, 3), margin: Float32Array.of(-1, -2, -3) });
    expect(histograms.epochValues()).toEqual({ loss: [3, 2], margin: [-3, -2] });
    histograms.write(file, 1);
    histograms.observe({ ids: Int32Array.of(3), loss: Float32Array.of(0.5) });
    expect(histograms.epochValues()).toEqual({ loss: [0.5], margin: [] });
    file.close();
  });
});
