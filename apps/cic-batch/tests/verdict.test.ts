import { describe, expect, it } from 'vitest';
import { cicBatch } from '../src/experiment.js';

const config = cicBatch.schema.parse(cicBatch.presets.smoke);
const cell = (batchSize: number, seed: number, loss: number) => ({
  name: `batchSize=${batchSize},seed=${seed}`,
  values: { batchSize, seed },
  status: 'done' as const,
  metrics: { step: 8000 / batchSize, train: { loss: loss / 2 }, test: { loss, accuracy: 1 - loss / 4 } },
});
const judge = (cells: ReturnType<typeof cell>[]) => cicBatch.conclude(cells, config, { runDir: '/run' });

describe('cic-batch presets', () => {
  it.each(['smoke', 'default', 'paper'] as const)('%s is valid', (preset) => {
    const parsed = cicBatch.schema.parse(cicBatch.presets[preset]);
    expect(cicBatch.grid!(parsed)).toEqual({ batchSize: parsed.batchSizes, seed: parsed.seeds });
  });
});

describe('cic-batch verdict', () => {
  it('holds when test loss rises with batch size (seed means) and seeds move it by ≥ 1%', () => {
    const verdict = judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.05 + 0.1 * i)]));
    expect(verdict.held).toBe(true);
    expect(verdict.text).toMatch(/Spearman 1\.00 \(larger batches generalise worse\)/);
    expect(verdict.table!.rows.map((row) => row.slice(0, 2))).toEqual([
      [32, 250],
      [64, 125],
      [128, 62.5],
    ]);
  });

  it('does not hold when larger batches generalise better, or when seeds change nothing', () => {
    expect(judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 - 0.1 * i), cell(b, 1, 1.05 - 0.1 * i)])).held).toBe(false);
    expect(judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.001 + 0.1 * i)])).held).toBe(false);
  });

  it('cannot tell with two batch sizes or one seed', () => {
    expect(judge([32, 64].flatMap((b, i) => [cell(b, 0, 1 + i), cell(b, 1, 1.5 + i)])).held).toBeNull();
    expect(judge([32, 64, 128].map((b, i) => cell(b, 0, 1 + i))).held).toBeNull();
    expect(judge([]).held).toBeNull();
  });
});
