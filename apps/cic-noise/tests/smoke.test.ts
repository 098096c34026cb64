import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';
import { readGallery, readSampleScores } from '@mgdl/report';

describe('cic-noise smoke', () => {
  it('sweeps width × noise on the 32×32 stand-in, writes every cell with the noise it was given, a verdict and the report', () => {
    const { run, out } = runSmoke({ app: 'cic-noise', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['noise=0,width=3,seed=0', 'noise=0.4,width=3,seed=0']);
    for (const [cell, noise] of [[cells[0]!, 0], [cells[1]!, 0.4]] as const) {
      const params = JSON.parse(readFileSync(join(out, 'cells', cell, 'params.json'), 'utf8'));
      expect(params.config.noise).toBe(noise);
      expect(params.datasetNote).toMatch(/Fashion-MNIST padded to 32×32/);
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 3, train: { loss: expect.any(Number) }, test: { loss: expect.any(Number), accuracy: expect.any(Number) } });
      expect(Object.keys(metrics.forgetting)).toEqual(expect.arrayContaining(['samples', 'S1', 'S2', 'S3', 'M', 'F', 'settledRatio', 'regime', 'clean', 'noisy']));
      expect(metrics.forgetting.samples).toBe(500);
      expect(metrics.forgetting.noisy.samples).toBe(Math.round(noise * 500));
      // Issue 19: per-sample scores, the gallery's samples, and which score finds the noisy labels.
      const scores = readSampleScores(join(out, 'cells', cell, 'samples', 'scores.csv'));
      expect(scores).toHaveLength(500);
      expect(scores.filter((row) => row.noisy).length).toBe(Math.round(noise * 500));
      expect(readGallery(join(out, 'cells', cell, 'samples', 'gallery.json')).kind).toBe('image');
      if (noise > 0) expect(metrics.noiseDetection.scores.map((s: { score: string }) => s.score).sort()).toEqual(['aum', 'confidence', 'correctness', 'el2n', 'final_loss', 'first_learned', 'forgetting', 'variability']);
      else expect(metrics.noiseDetection).toBeUndefined();
    }
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    expect(verdict.held).toBeNull(); // two noise rates cannot show a trend
    expect(verdict.table.rows.map((row: unknown[]) => row.slice(0, 2))).toEqual([[3, 0], [3, 0.4]]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the grid: noise');
    expect(html).toContain('Which score finds the noisy labels');
    expect(html).toContain('<h4>Most forgotten</h4>');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
