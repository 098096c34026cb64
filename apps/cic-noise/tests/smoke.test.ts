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
const { dir: dataDir, synthetic } = dataDirOrSynthetic(sharedData, ['fashion-mnist'], { train: 1200, test: 600 });
const env = { ...process.env, ...(synthetic ? { MGDL_VERIFY: '0' } : {}) };

describe('cic-noise smoke', () => {
  it('sweeps width × noise on the 32×32 stand-in, writes every cell with the noise it was given, a verdict and the report', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-noise-'));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--config', 'smoke', '--runs-dir', runs, '--set', `dataDir=${JSON.stringify(dataDir)}`], { encoding: 'utf8', timeout: 240_000, env });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const out = join(runs, 'cic-noise', 'smoke');
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
    }
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict.held).toBeNull(); // two noise rates cannot show a trend
    expect(verdict.table.rows.map((row: unknown[]) => row.slice(0, 2))).toEqual([[3, 0], [3, 0.4]]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the sweep: noise');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
