import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

// The CNN runs on CIFAR-10 where it is complete, else on Fashion-MNIST padded to 32×32.

describe('cic-batch smoke', () => {
  it('sweeps batch size and seed, records the steps each batch size took, a verdict and the report', () => {
    const { run, out } = runSmoke({ app: 'cic-batch', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['batchSize=128,seed=0', 'batchSize=128,seed=1', 'batchSize=32,seed=0', 'batchSize=32,seed=1']);
    const trainIds = new Set<string>();
    for (const cell of cells) {
      const batchSize = Number(/batchSize=(\d+)/.exec(cell)![1]);
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      // 400 samples for 2 epochs: ⌈400 / batch size⌉ steps per epoch.
      expect(metrics).toMatchObject({ epoch: 2, step: 2 * Math.ceil(400 / batchSize), train: { loss: expect.any(Number) }, test: { loss: expect.any(Number), accuracy: expect.any(Number) } });
      expect(metrics.forgetting).toMatchObject({ samples: 400, series: 'presentation' });
      const params = JSON.parse(readFileSync(join(out, 'cells', cell, 'params.json'), 'utf8'));
      expect(params).toMatchObject({ config: { batchSize, width: 3, noise: 0.2 }, grid: { batchSize } });
      // Every seed trains on the same samples (subsetSeed): only batch order, weights and noise change.
      const csv = readFileSync(join(out, 'cells', cell, 'samples', 'forgetting.csv'), 'utf8');
      trainIds.add(csv.split('\n').slice(1).filter(Boolean).map((row) => row.split(',')[0]).sort().join(' '));
    }
    expect(trainIds.size).toBe(1);
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict.held).toBeNull(); // two batch sizes cannot show a trend
    expect(verdict.table.header.slice(0, 2)).toEqual(['batch size', 'steps']);
    expect(verdict.table.rows.map((row: unknown[]) => row.slice(0, 2))).toEqual([
      [32, 26],
      [128, 8],
    ]);
    expect(verdict.text).toMatch(/test loss rises with batch size: \d of 2 seeds agree .*: inconclusive .* at one batch size, test loss differs by \d+\.\d% of its mean/);
    expect(verdict).toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: [expect.objectContaining({ claim: 'test loss rises with batch size', n: 2, outcome: 'inconclusive' }), expect.objectContaining({ statistic: 'seed-effect', n: 2, outcome: 'inconclusive' })] });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the grid: batchSize');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
