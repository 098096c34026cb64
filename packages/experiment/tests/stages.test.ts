import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExperiment, planStages, stageDirectory, type Experiment, type Stage } from '../src/index.js';

const schema = z.object({ seeds: z.array(z.number().int()), ks: z.array(z.number().int()) });
const preset = { seeds: [0, 1], ks: [1, 2, 3] };
const base = { name: 'toy', title: 'toy', claim: 'none', schema, presets: { smoke: preset, default: preset, paper: preset }, cell: async () => undefined, conclude: () => ({ held: null, text: '' }) };
const config = schema.parse(preset);

describe('planning stages', () => {
  it('keeps a single grid as before: cells directly in cells/, no stage in their config', () => {
    const [stage, ...rest] = planStages(defineExperiment({ ...base, grid: (c) => ({ seed: c.seeds }) }), config, '/run');
    expect(rest).toEqual([]);
    expect(stage).toMatchObject({ name: undefined, dir: join('/run', 'cells') });
    expect(stage!.cells.map((c) => c.name)).toEqual(['seed=0', 'seed=1']);
    expect(stage!.cells[1]!.config).toEqual({ seeds: [0, 1], ks: [1, 2, 3], seed: 1, grid: { seed: 1 } });
  });

  it('expands every stage up front, each in cells/<stage> with config.stage set', () => {
    const complete = () => undefined;
    const stages = planStages(defineExperiment({ ...base, stages: (c): Stage[] => [{ name: 'count', grid: { seed: c.seeds }, complete }, { name: 'remove', grid: { k: c.ks, seed: [7] } }] }), config, '/run');
    expect(stages.map((s) => [s.name, s.dir, s.cells.map((c) => c.name)])).toEqual([
      ['count', stageDirectory('/run', 'count'), ['seed=0', 'seed=1']],
      ['remove', join('/run', 'cells', 'remove'), ['k=1,seed=7', 'k=2,seed=7', 'k=3,seed=7']],
    ]);
    expect(stages[0]!.complete).toBe(complete);
    expect(stages[1]!.complete).toBeUndefined();
    expect(stages[1]!.cells[0]!.config).toMatchObject({ k: 1, seed: 7, stage: 'remove', grid: { k: 1, seed: 7 } });
  });

  it('rejects a grid together with stages, neither, no stage, and bad or repeated stage names', () => {
    const plan = (experiment: Partial<Experiment<typeof schema>>) => () => planStages(defineExperiment({ ...base, ...experiment }), config, '/run');
    expect(plan({ grid: () => ({}), stages: () => [{ name: 'a', grid: {} }] })).toThrow(/either a grid or stages, not both/);
    expect(plan({})).toThrow(/needs a grid or stages/);
    expect(plan({ stages: () => [] })).toThrow(/no stage/);
    expect(plan({ stages: () => [{ name: 'a/b', grid: {} }] })).toThrow(/stage name "a\/b"/);
    expect(plan({ stages: () => [{ name: '..', grid: {} }] })).toThrow(/stage name "\.\."/);
    expect(plan({ stages: () => [{ name: 'a', grid: {} }, { name: 'a', grid: {} }] })).toThrow(/two stages are named "a"/);
  });
});

// The toy app (tests/fixtures/toy-experiment.ts) run for real: a runner and one process per cell.
const toy = fileURLToPath(new URL('./fixtures/toy-experiment.ts', import.meta.url));
const runToy = (runs: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', toy, '--config', 'smoke', '--runs-dir', runs, '--workers', '2'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...env } });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('running stages', () => {
  it('runs the stages in order; a later stage reads what the earlier one completed; a rerun skips done cells', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-stages-'));
    const out = join(runs, 'toy', 'smoke');
    const run = runToy(runs);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('5 cell(s) in');
    expect(run.stdout).toContain('2 stages: first (2), second (3)');
    // Every first-stage cell is done before any second-stage cell starts.
    const lines = run.stdout.split('\n');
    const lastFirst = Math.max(...lines.flatMap((l, i) => (/done first\//.test(l) ? [i] : [])));
    const firstSecond = lines.findIndex((l) => /start second\//.test(l));
    expect(lastFirst).toBeLessThan(firstSecond);

    expect(readdirSync(join(out, 'cells')).sort()).toEqual(['first', 'second']);
    expect(readJson(join(out, 'cells', 'first', 'total.json'))).toEqual({ total: 10, stages: ['first', 'first'], names: ['seed=0', 'seed=1'] });
    expect(readJson(join(out, 'cells', 'second', 'k=2', 'metrics.json'))).toEqual({ value: 12, configStage: 'second', contextStage: 'second', runDir: out, grid: { k: 2 }, run: { epochs: 1, steps: 1, seconds: 0 } });
    const verdict = readJson(join(out, 'verdict.json'));
    expect(verdict['held']).toBe(true);
    expect(verdict['text']).toBe(`run dir ${out}`);
    expect((verdict['table'] as { rows: unknown[] }).rows).toEqual([
      ['first', 'seed=0', 'done', 0],
      ['first', 'seed=1', 'done', 10],
      ['second', 'k=1', 'done', 11],
      ['second', 'k=2', 'done', 12],
      ['second', 'k=3', 'done', 13],
    ]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Claim and verdict');

    const again = runToy(runs);
    expect(again.status, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('skip first/seed=0 (complete)');
    expect(again.stdout).toContain('skip second/k=3 (complete)');
    expect(again.stdout).not.toContain('start ');
  });

  it('does not run later stages when a cell fails, and still concludes with them pending', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-stages-'));
    const out = join(runs, 'toy', 'smoke');
    const run = runToy(runs, { TOY_FAIL: '1' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAILED first\/seed=1 .*seed 1 fails on purpose/);
    expect(run.stdout).toContain('stage first: 1 cell(s) failed, so stage(s) second did not run');
    expect(existsSync(join(out, 'cells', 'first', 'total.json'))).toBe(false);
    expect(existsSync(join(out, 'cells', 'second'))).toBe(false);
    const rows = (readJson(join(out, 'verdict.json'))['table'] as { rows: unknown[][] }).rows;
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['first', 'seed=0', 'done'],
      ['first', 'seed=1', 'failed'],
      ['second', 'k=1', 'pending'],
      ['second', 'k=2', 'pending'],
      ['second', 'k=3', 'pending'],
    ]);
    // The verdict says it covers fewer cells than planned, and which.
    expect(readJson(join(out, 'verdict.json'))).toMatchObject({ complete: false, cells: { planned: 5, done: 1, failed: ['seed=1'], notRun: ['k=1', 'k=2', 'k=3'] } });
    expect(run.stdout).toContain('the verdict covers 1 of 5 cells (failed: seed=1; not run: k=1, k=2, k=3); verdict.json says so ("complete": false)');
  });

  it('gives single-grid cells the run directory too, without a stage', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-stages-'));
    const out = join(runs, 'toy', 'smoke');
    const run = runToy(runs, { TOY_MODE: 'grid' });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/\[toy\] 2 cell\(s\) in \S+\n/);
    expect(readdirSync(join(out, 'cells')).sort()).toEqual(['seed=0', 'seed=1']);
    expect(readJson(join(out, 'cells', 'seed=1', 'metrics.json'))).toEqual({ value: 10, configStage: null, contextStage: null, runDir: out, grid: { seed: 1 }, run: { epochs: 1, steps: 1, seconds: 0 } });
    expect((readJson(join(out, 'verdict.json'))['table'] as { rows: unknown[] }).rows).toEqual([
      [null, 'seed=0', 'done', 0],
      [null, 'seed=1', 'done', 10],
    ]);
  });
});

describe('a runner stopped between its stages', () => {
  it('releases its lock and exits 143 on SIGTERM, and a rerun continues with the second stage', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-stages-term-'));
    const between = join(runs, 'between');
    const runner = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', toy, '--config', 'smoke', '--runs-dir', runs, '--workers', '2'], { env: { ...process.env, TOY_BETWEEN_STAGES: between }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    runner.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => runner.on('close', resolve));
    // A hang guard: the first stage's two cells take seconds.
    for (const deadline = Date.now() + 300_000; !existsSync(between) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    runner.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping; run the same command again to continue');
    expect(existsSync(join(runs, 'toy', 'smoke', 'run.lock'))).toBe(false);
    const rerun = runToy(runs);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toMatch(/taking over/);
    expect(rerun.stdout).toContain('skip first/seed=0 (complete)');
    expect(rerun.stdout).toMatch(/start second\/k=1/);
  });
});
