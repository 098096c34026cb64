import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataDirOrSynthetic } from '@mgdl/datasets';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sharedData = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
// The real files where they exist, else small synthetic ones in the same formats (checksums off).
const { dir: dataDir, synthetic } = dataDirOrSynthetic(sharedData, ['mnist'], { train: 1200, test: 600 });
const env = { ...process.env, ...(synthetic ? { MGDL_VERIFY: '0' } : {}) };

describe('cic-width smoke', () => {
  it("runs the sweep, writes every cell's metrics with the fields the report needs, a verdict and the report", () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-width-'));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--config', 'smoke', '--runs-dir', runs, '--set', `dataDir=${JSON.stringify(dataDir)}`], { encoding: 'utf8', timeout: 240_000, env });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const out = join(runs, 'cic-width', 'smoke');
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
    expect(verdict.table.rows).toHaveLength(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('Across the sweep: width');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
