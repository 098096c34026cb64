import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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

describe('cic-scales smoke', () => {
  it('trains the CNN on the 32×32 stand-in and records M at three scales for the report', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-scales-'));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--config', 'smoke', '--runs-dir', runs, '--set', `dataDir=${JSON.stringify(dataDir)}`], { encoding: 'utf8', timeout: 240_000, env });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cell = join(runs, 'cic-scales', 'smoke', 'cells', 'seed=0');
    const params = JSON.parse(readFileSync(join(cell, 'params.json'), 'utf8'));
    expect(params.datasetNote).toMatch(/CIFAR-10 is not available here: Fashion-MNIST padded to 32×32/);
    const metrics = JSON.parse(readFileSync(join(cell, 'metrics.json'), 'utf8'));
    expect(metrics.forgetting.scales).toHaveProperty('system');
    const traces = JSON.parse(readFileSync(join(cell, 'traces.json'), 'utf8'));
    expect(traces.scales.system[0].epoch.length).toBeGreaterThan(0);
    expect(readFileSync(join(runs, 'cic-scales', 'smoke', 'report.html'), 'utf8')).toContain('M at element, meso and system scale');
  });
});
