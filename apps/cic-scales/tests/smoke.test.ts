import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

describe('cic-scales smoke', () => {
  it('trains the CNN on the 32×32 stand-in and records M at three scales for the report', () => {
    const { run, out } = runSmoke({ app: 'cic-scales', main: new URL('../src/main.ts', import.meta.url), datasets: ['fashion-mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cell = join(out, 'cells', 'seed=0');
    const params = JSON.parse(readFileSync(join(cell, 'params.json'), 'utf8'));
    expect(params.datasetNote).toMatch(/CIFAR-10 is not available here: Fashion-MNIST padded to 32×32/);
    const metrics = JSON.parse(readFileSync(join(cell, 'metrics.json'), 'utf8'));
    expect(metrics.forgetting.scales).toHaveProperty('system');
    const traces = JSON.parse(readFileSync(join(cell, 'traces.json'), 'utf8'));
    expect(traces.scales.system[0].epoch.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('M at element, meso and system scale');
  });
});
