import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

// No dataset needed: the data come from @mgdl/fluidization, so this always runs.
describe('mgdl-bubbling-bed smoke', () => {
  it("runs the sweep, writes every cell's MGDL metrics, a verdict and the report", () => {
    const { run, out } = runSmoke({ app: 'mgdl-bubbling-bed', main: new URL('../src/main.ts', import.meta.url), args: ['--workers', '2'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const cells = readdirSync(join(out, 'cells')).sort();
    expect(cells).toEqual(['annealed', 'gradnorm', 'loss', 'lr', 'plain'].flatMap((arm) => [`arm=${arm},fraction=0.05,seed=0`, `arm=${arm},fraction=1,seed=0`]));
    const lossArms = ['arm=loss', 'arm=annealed', 'arm=gradnorm'];
    for (const cell of cells) {
      const metrics = JSON.parse(readFileSync(join(out, 'cells', cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 10, test: { loss: expect.any(Number) } });
      const mgdl = metrics.mgdl;
      expect(mgdl.trainSamples).toBe(cell.includes('fraction=1,') ? 200 : 10);
      expect(mgdl.testMse).toBeCloseTo(metrics.test.loss, 6);
      expect(Object.keys(mgdl.violation).sort()).toEqual(['all', 'emulsionForce', 'gasBalance', 'stability']);
      for (const v of Object.values(mgdl.violation)) expect(v).toBeGreaterThanOrEqual(0);
      expect(mgdl.violation.all).toBeCloseTo(mgdl.violation.gasBalance + mgdl.violation.emulsionForce + mgdl.violation.stability, 5);
      expect(Object.keys(mgdl.testMsePerOutput)).toEqual(['emulsionVoidage', 'emulsionVelocity', 'bubbleFraction', 'bubbleRiseVelocity']);
      expect(mgdl.curve).toHaveLength(10);
      expect(mgdl.epochsToTarget === null || (Number.isInteger(mgdl.epochsToTarget) && mgdl.epochsToTarget >= 1 && mgdl.epochsToTarget <= 10)).toBe(true);
      expect(mgdl).toMatchObject({ target: expect.any(Number), bestTestMse: expect.any(Number), tailFluctuation: expect.any(Number), trainViolation: expect.any(Number) });
      const isLossArm = lossArms.some((arm) => cell.startsWith(arm));
      if (isLossArm) expect(Object.keys(metrics.terms)).toEqual(expect.arrayContaining([expect.stringContaining('violation')]));
      // λ at the end: the warm-up's full weight, an adapted positive value within the cap, or none.
      if (cell.startsWith('arm=loss')) expect(mgdl.finalWeight).toBe(10);
      else if (isLossArm) expect(mgdl.finalWeight).toBeGreaterThan(0);
      else expect(mgdl.finalWeight).toBeNull();
      expect(existsSync(join(out, 'cells', cell, 'checkpoints'))).toBe(true);
    }
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    // One seed: no interval over seeds, so no verdict either way.
    expect(verdict.held).toBeNull();
    expect(verdict.table.rows).toHaveLength(10);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('test violation (all)');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
    const figures = readdirSync(join(out, 'figures'));
    expect(figures.slice(0, 2)).toEqual(['01-claim-and-verdict--test-mse-standardised-outputs-against-the.svg', '02-claim-and-verdict--test-violation-of-the-bed-constraints.svg']);
  });
});
