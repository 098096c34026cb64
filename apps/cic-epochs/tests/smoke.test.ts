import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataDirOrSynthetic } from '@mgdl/datasets';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sharedData = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
// The real files where they exist, else small synthetic ones in the same formats (checksums off).
const { dir: dataDir, synthetic } = dataDirOrSynthetic(sharedData, ['trec'], { train: 1200, test: 600 });
const env = { ...process.env, ...(synthetic ? { MGDL_VERIFY: '0' } : {}) };

describe('cic-epochs smoke', () => {
  it("trains the TextCNN, copies its per-epoch curves into metrics.json, and judges the trends from them", () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-epochs-'));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--config', 'smoke', '--runs-dir', runs, '--set', `dataDir=${JSON.stringify(dataDir)}`], { encoding: 'utf8', timeout: 240_000, env });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const out = join(runs, 'cic-epochs', 'smoke');
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
    expect(verdict.table.rows.map((row: unknown[]) => row[0])).toEqual([1, 2, 3]);
    expect(verdict.held).toBeNull(); // M needs an S3, so three epochs leave at most two points for its trend
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
