import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mgdl } from './run.js';

describe('mgdl run', () => {
  it('lists the seed experiments without a name, and refuses an unknown one with exit 2 and the list', () => {
    const list = mgdl('run');
    expect(list.status).toBe(0);
    for (const name of ['cic-width', 'cic-noise', 'forgetting-toneva', 'mgdl-bubbling-bed']) expect(list.stdout).toContain(name);
    const unknown = mgdl('run', 'cic-widht');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no experiment 'cic-widht'; did you mean 'cic-width'\?/);
  });

  it("passes the rest of the line to the experiment: its --help, and its usage errors under the mgdl name", () => {
    const help = mgdl('run', 'cic-width', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: mgdl run cic-width \[options\]/);
    expect(help.stdout).toMatch(/widths\s+FCNN widths/);
    const bad = mgdl('run', 'cic-width', '--preset', 'huge');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--preset must be one of smoke, default, paper, got 'huge'/);
    expect(bad.stderr).toMatch(/usage: mgdl run cic-width /);
  });

  it('runs cic-width --preset smoke on a synthetic MNIST written by mgdl data synthetic: cells, verdict and report', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgdl-cli-run-'));
    const data = mgdl('data', 'synthetic', 'mnist', '--out', join(root, 'data'), '--train', '600', '--test', '300');
    expect(data.status, data.stderr).toBe(0);
    expect(readdirSync(join(root, 'data', 'mnist')).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    const run = mgdl('run', 'cic-width', '--preset', 'smoke', '--runs-dir', join(root, 'runs'), '--data-dir', join(root, 'data'), '--no-verify', '--workers', '2');
    expect(run.status, run.stderr).toBe(0);
    const dir = join(root, 'runs', 'cic-width', 'smoke');
    // The cells ran as `mgdl run cic-width --cell …` and each wrote its metrics.
    expect(readdirSync(join(dir, 'cells')).sort()).toEqual(['width=1,seed=0', 'width=4,seed=0']);
    for (const cell of readdirSync(join(dir, 'cells'))) expect(JSON.parse(readFileSync(join(dir, 'cells', cell, 'metrics.json'), 'utf8')).run.error).toBeUndefined();
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as { procedure: string; judgements: unknown[] };
    expect(verdict.judgements.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(run.stdout).toMatch(/\[cic-width\] verdict: /);

    // A hand-edited result: mgdl report names it and exits 1 instead of reporting it as the run's.
    const cell = join(dir, 'cells', 'width=1,seed=0');
    const metrics = join(cell, 'metrics.json');
    writeFileSync(metrics, readFileSync(metrics, 'utf8').replace('"accuracy":', '"accuracy": 0.912, "was":'));
    const edited = mgdl('report', cell, '--out', join(root, 'edited.html'));
    expect(edited.status).toBe(1);
    expect(edited.stderr).toMatch(/metrics\.json changed after the cell finished \(done\.json certifies other contents\): the report shows numbers the run did not produce/);
    expect(mgdl('report', join(dir, 'cells', 'width=4,seed=0'), '--out', join(root, 'intact.html')).status).toBe(0);

    // Other data under the same config (the folder's files replaced): the rerun is refused, naming the files.
    const other = mgdl('data', 'synthetic', 'mnist', '--out', join(root, 'data'), '--train', '700', '--test', '300');
    expect(other.status, other.stderr).toBe(0);
    const swapped = mgdl('run', 'cic-width', '--preset', 'smoke', '--runs-dir', join(root, 'runs'), '--data-dir', join(root, 'data'), '--no-verify', '--workers', '2');
    expect(swapped.status).toBe(2);
    const status = mgdl('run', 'cic-width', '--preset', 'smoke', '--runs-dir', join(root, 'runs'), '--data-dir', join(root, 'data'), '--no-verify', '--status');
    expect(status.status).toBe(3);
    expect(status.stdout).toMatch(/width=4,seed=0\s+done\s+made by another config, code or data \(a rerun refuses it\): data\.mnist\./);
    expect(status.stdout).toContain('0 of 2 cells done');
    expect(swapped.stderr).toMatch(/were made by a different config, code or data:\n\s+width=1,seed=0: .*data\.mnist\.train-images-idx3-ubyte\.gz: "\d+ bytes, sha256 [0-9a-f]+" → "\d+ bytes, sha256 [0-9a-f]+"/);
  });
});
