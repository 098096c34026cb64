import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

describe('cic-epochs smoke', () => {
  it("trains the TextCNN, copies its per-epoch curves into metrics.json, and judges the trends from them", () => {
    const { run, out } = runSmoke({ app: 'cic-epochs', main: new URL('../src/main.ts', import.meta.url), datasets: ['trec'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(readdirSync(join(out, 'cells'))).toEqual(['seed=0']);
    const cell = join(out, 'cells', 'seed=0');
    const metrics = JSON.parse(readFileSync(join(cell, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ epoch: 3, train: { loss: expect.any(Number) }, test: { loss: expect.any(Number), accuracy: expect.any(Number) } });
    expect(Object.keys(metrics.forgetting)).toEqual(expect.arrayContaining(['samples', 'S1', 'S2', 'S3', 'M', 'F', 'settledRatio', 'regime', 'clean', 'noisy']));
    expect(metrics.forgetting.samples).toBe(500);
    expect(metrics.forgetting.noisy.samples).toBe(100);
    // The history is the recorder's own per-epoch records, in the same units.
    const { history } = metrics;
    expect(history.epoch).toEqual([1, 2, 3]);
    for (const key of ['trainLoss', 'testLoss', 'testAccuracy', 'M', 'F', 'ratio']) expect(history[key]).toHaveLength(3);
    expect(history.testLoss[2]).toBeCloseTo(metrics.test.loss, 6);
    expect(history.trainLoss[2]).toBeCloseTo(metrics.train.loss, 6);
    const [, ...csv] = readFileSync(join(cell, 'metrics', 'test__loss.csv'), 'utf8').trim().split('\n');
    expect(history.testLoss).toEqual(csv.map((row) => Number(row.split(',')[2])));
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    expect(verdict.table.rows.map((row: unknown[]) => row[0])).toEqual([1, 2, 3]);
    expect(verdict.held).toBeNull(); // M needs an S3, so three epochs leave at most two points for its trend
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
