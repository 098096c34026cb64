import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

describe('cic-width smoke', () => {
  it("runs the sweep, writes every cell's metrics with the fields the report needs, a verdict and the report", () => {
    const { run, out } = runSmoke({ app: 'cic-width', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['width=1,seed=0', 'width=4,seed=0']);
    for (const cell of cells) {
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 4, train: { loss: expect.any(Number) }, test: { loss: expect.any(Number), accuracy: expect.any(Number) } });
      expect(Object.keys(metrics.forgetting)).toEqual(expect.arrayContaining(['samples', 'S1', 'S2', 'S3', 'M', 'F', 'ratio', 'events', 'settledRatio', 'regime', 'clean', 'noisy']));
      expect(metrics.forgetting.samples).toBe(600);
      expect(existsSync(join(out, 'cells', cell, 'samples', 'forgetting.csv'))).toBe(true);
    }
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    expect(verdict.table.rows).toHaveLength(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the grid: width');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
