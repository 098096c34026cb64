import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

describe('cic-dropout smoke', () => {
  it("sweeps the dropout rate, writes every cell's metrics with the fields the verdict needs, a verdict and the report", () => {
    const { run, out } = runSmoke({ app: 'cic-dropout', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['dropout=0,seed=0', 'dropout=0.7,seed=0']);
    for (const [cell, dropout] of [[cells[0]!, 0], [cells[1]!, 0.7]] as const) {
      const params = JSON.parse(readFileSync(join(out, 'cells', cell, 'params.json'), 'utf8'));
      expect(params.config).toMatchObject({ dropout, noise: 0.2, dataset: 'mnist' });
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 3, train: { loss: expect.any(Number) }, test: { loss: expect.any(Number), accuracy: expect.any(Number) } });
      expect(Object.keys(metrics.forgetting)).toEqual(expect.arrayContaining(['samples', 'S1', 'S2', 'S3', 'M', 'F', 'ratio', 'settledRatio', 'regime', 'clean', 'noisy']));
      expect(metrics.forgetting.samples).toBe(500);
    }
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    expect(verdict.held).toBeNull(); // two rates cannot show a trend
    expect(verdict.table.rows.map((row: unknown[]) => row[0])).toEqual([0, 0.7]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the grid: dropout');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
