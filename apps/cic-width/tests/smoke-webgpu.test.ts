import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

describe('cic-width smoke on webgpu (MGDL_BACKEND=webgpu; in CI Mesa\'s llvmpipe, a software adapter)', () => {
  it('trains every cell on webgpu and concludes with a verdict and the report', () => {
    // runSmoke's child processes inherit this file's environment.
    process.env['MGDL_BACKEND'] = 'webgpu';
    const { run, out } = runSmoke({ app: 'cic-width', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['width=1,seed=0', 'width=4,seed=0']);
    for (const cell of cells) {
      const params = JSON.parse(readFileSync(join(out, 'cells', cell, 'params.json'), 'utf8'));
      expect(params.backend, `${cell}: the backend it trained on`).toBe('webgpu');
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 4, train: { loss: expect.any(Number) }, test: { accuracy: expect.any(Number) } });
      expect(metrics.forgetting.samples).toBe(600);
    }
    expect(JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')).table.rows).toHaveLength(2);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Claim and verdict');
  });
});
