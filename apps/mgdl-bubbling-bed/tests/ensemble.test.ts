import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cellResults, ensembleProblems, killAtFirstGroupCheckpoint, runSmoke } from '@mgdl/experiment/testing';

const main = new URL('../src/main.ts', import.meta.url);
const options = { app: 'mgdl-bubbling-bed', main };
// Every arm at one fraction, two seeds each: five groups of two cells that differ only in their seed.
const grid = ['--set', 'seeds=[0,1]', '--set', 'fractions=[0.05]', '--set', 'arms=["plain","loss","annealed","gradnorm","lr"]'];
// Regression cells keep no per-sample record: metrics.json (the MGDL summary included) is what they write.
const metricsOnly = { forgetting: false };

describe("mgdl-bubbling-bed: an arm's seeds as one ensemble, each member with its own constraint plugin", () => {
  it('gives every cell exactly what it gets alone (--ensemble off): metrics, loss terms, λ and curves, every number equal', () => {
    expect(ensembleProblems({ ...options, args: grid }, 0, metricsOnly)).toEqual([]);
  });

  it("resumes a group killed mid-run from its one checkpoint (the plugins' λ and smoothed violation included) and ends exactly as an uninterrupted run", async () => {
    const cells = ['arm=loss,fraction=0.05,seed=0', 'arm=loss,fraction=0.05,seed=1', 'arm=lr,fraction=0.05,seed=0', 'arm=lr,fraction=0.05,seed=1'];
    const longer = ['--set', 'seeds=[0,1]', '--set', 'fractions=[0.05]', '--set', 'arms=["loss","lr"]', '--set', 'epochs=30'];
    const uninterrupted = runSmoke({ ...options, args: longer });
    expect(uninterrupted.run.status, uninterrupted.run.stderr).toBe(0);
    // The same run, SIGKILLed (runner and cells) once the loss group's first checkpoint is written, then run again.
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-bubbling-bed-kill-'));
    const args = ['--conditions=source', '--import', 'tsx', fileURLToPath(main), '--config', 'smoke', '--runs-dir', runs, ...longer];
    const out = join(runs, 'mgdl-bubbling-bed', 'smoke');
    const checkpoints = join(out, 'cells', cells[0]!, 'checkpoints');
    await killAtFirstGroupCheckpoint(args, checkpoints);
    expect(existsSync(join(out, 'cells', cells[0]!, 'done.json')), 'the kill came after the cell had finished').toBe(false);
    const rerun = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000 });
    expect(rerun.status, rerun.stderr + rerun.stdout).toBe(0);
    for (const cell of cells) expect(cellResults(join(out, 'cells', cell), metricsOnly), cell).toEqual(cellResults(join(uninterrupted.out, 'cells', cell), metricsOnly));
  });
});
