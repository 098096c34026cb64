import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDirOrSynthetic } from '@mgdl/datasets';
import { describe, expect, it } from 'vitest';
import { cellResults, killAtFirstGroupCheckpoint, resultDifferences, runSmoke } from '@mgdl/experiment/testing';

const cellsOf = ['width=2,seed=0', 'width=2,seed=1'];
const main = new URL('../src/main.ts', import.meta.url);
const options = { app: 'cic-width', main, datasets: ['mnist'] as const };
const grid = ['--set', 'seeds=[0,1]', '--set', 'widths=[2]'];

/** A cell's metrics (without timings) and per-sample record. */
const results = (out: string, cell: string) => cellResults(join(out, 'cells', cell));

describe('cic-width: a width\'s seeds as one ensemble', () => {
  it('trains them in one process and gives every cell what it gets alone (--ensemble off): the same per-sample record, losses to float32 rounding', () => {
    const together = runSmoke({ ...options, args: grid });
    expect(together.run.status, together.run.stderr + together.run.stdout).toBe(0);
    const alone = runSmoke({ ...options, args: [...grid, '--ensemble', 'off'] });
    expect(alone.run.status, alone.run.stderr + alone.run.stdout).toBe(0);
    // One checkpoint for the group, in its first cell; alone, each cell checkpoints itself.
    expect(readdirSync(join(together.out, 'cells', cellsOf[0]!, 'checkpoints'))).toEqual([expect.stringMatching(/^ensemble-[0-9a-f]{16}$/)]);
    expect(readdirSync(join(alone.out, 'cells', cellsOf[0]!, 'checkpoints')).some((f) => f.startsWith('ensemble-'))).toBe(false);
    // A cell alone runs the zoo's fused dense layer (MgdlDense, with oneDNN), the ensemble its own
    // products: the per-sample record is identical, the averaged losses agree to float32 rounding.
    for (const cell of cellsOf) expect(resultDifferences(results(together.out, cell), results(alone.out, cell), 1e-6), cell).toEqual([]);
    // The seeds differ, so equal results would mean a member copied another.
    expect(results(together.out, cellsOf[0]!)).not.toEqual(results(together.out, cellsOf[1]!));
    const verdict = (out: string) => JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')) as { judgements: unknown };
    expect(verdict(together.out).judgements).toEqual(verdict(alone.out).judgements);
  });

  it('resumes a group killed mid-run from its one checkpoint and ends exactly as an uninterrupted run', async () => {
    const longer = [...grid, '--set', 'epochs=8'];
    const uninterrupted = runSmoke({ ...options, args: longer });
    expect(uninterrupted.run.status, uninterrupted.run.stderr).toBe(0);
    // The same run, SIGKILLed (runner and cells) once the group's first checkpoint is written, then run again.
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-width-kill-'));
    const data = dataDirOrSynthetic(join(fileURLToPath(main), '../../../../../shared/data'), ['mnist'], { train: 1200, test: 600 });
    const args = ['--conditions=source', '--import', 'tsx', fileURLToPath(main), '--config', 'smoke', '--runs-dir', runs, '--set', `dataDir=${JSON.stringify(data.dir)}`, ...longer];
    const env = { ...process.env, ...(data.synthetic ? { MGDL_VERIFY: '0' } : {}) };
    const out = join(runs, 'cic-width', 'smoke');
    const checkpoints = join(out, 'cells', cellsOf[0]!, 'checkpoints');
    await killAtFirstGroupCheckpoint(args, checkpoints, env);
    expect(existsSync(join(out, 'cells', cellsOf[0]!, 'done.json')), 'the kill came after the run had finished').toBe(false);
    const rerun = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 600_000 });
    expect(rerun.status, rerun.stderr + rerun.stdout).toBe(0);
    for (const cell of cellsOf) expect(results(out, cell)).toEqual(results(uninterrupted.out, cell));
  });

  it('refuses --ensemble with a value other than on or off', () => {
    const { run } = runSmoke({ ...options, args: ['--ensemble', 'maybe'] });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--ensemble must be on or off, got 'maybe'");
  });
});
