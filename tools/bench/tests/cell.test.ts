import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cicNoise, cicWidth } from '@mgdl/seed-experiments';
import { benchCell } from '../src/cell/cases.js';
import type { CellProfile } from '../src/cell/profile.js';
import { formatCellTables, median } from '../src/cell/table.js';

const dir = mkdtempSync(join(tmpdir(), 'mgdl-bench-cell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const main = fileURLToPath(new URL('../src/cell/main.ts', import.meta.url));
const benchCellCli = (args: string[], env: Record<string, string | undefined> = {}) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--no-torch', ...args], { encoding: 'utf8', env: { ...process.env, MGDL_DATA_DIR: undefined, ...env }, timeout: 600_000 });

const profile = (total: number, steps: number): CellProfile => ({ setup: 1, steps, batchRest: 1, evaluation: 1, epochEnd: 1, wrapUp: 1, total, testAccuracy: 0.9 });

describe('bench:cell', () => {
  it('benchmarks the default cells of cic-width (w = 4) and cic-noise (w = 3), with fewer epochs when asked', () => {
    const width = benchCell('cic-width', { dataDir: dir });
    const preset = cicWidth.presets.default;
    expect(width.config).toMatchObject({ dataset: 'mnist', trainSize: preset.trainSize, testSize: preset.testSize, epochs: preset.epochs, width: 4, batchSize: 128, series: 'presentation', dataDir: dir });
    expect(width.spec).toEqual({ model: 'fcnn', modelOptions: { width: 4 } });
    const noise = benchCell('cic-noise', { dataDir: dir, epochs: 2 });
    expect(noise.config).toMatchObject({ trainSize: cicNoise.presets.default.trainSize, epochs: 2, width: 3, noise: 0.4 });
    expect(noise.spec).toMatchObject({ model: 'mcnn', needs32: true });
  });

  it('says which data is missing, where, and how to point at it, with exit code 2', () => {
    const missing = benchCellCli(['--cells', 'cic-width', '--data-dir', dir]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`cic-width needs mnist in ${dir}, which lacks mnist/train-images-idx3-ubyte.gz: missing`);
    expect(missing.stderr).toContain('--data-dir DIR (or set MGDL_DATA_DIR)');
    const noDir = benchCellCli(['--cells', 'cic-width']);
    expect(noDir.status).toBe(2);
    expect(noDir.stderr).toContain('no data folder: pass --data-dir DIR or set MGDL_DATA_DIR');
    const badBackend = benchCellCli(['--cells', 'cic-width', '--data-dir', dir, '--backends', 'wasm,gpu']);
    expect(badBackend.status).toBe(2);
    expect(badBackend.stderr).toContain('--backends: unknown backend(s) gpu; known: wasm, wasm+native');
    const unknown = benchCellCli(['--cells', 'cic-depth', '--data-dir', dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--cells: unknown cell(s) cic-depth; known: cic-width, cic-noise');
  });

  it('keeps the median run whole and prints the ratio and each side’s phases', () => {
    expect(median([profile(30, 10), profile(10, 5), profile(20, 8)]).steps).toBe(8);
    const text = formatCellTables([
      {
        cell: 'cic-width', backend: 'wasm+native', dataset: 'mnist', epochs: 40, threads: 1, trainSize: 20000, testSize: 10000, runs: 3,
        mgdl: profile(60, 40), torchVersion: '2.13.0+cpu',
        torch: { torch: '2.13.0+cpu', testAccuracy: 0.91, setup: 1, steps: 10, evaluation: 1, checkpoint: 1, wrapUp: 1, total: 15 },
      },
    ]);
    expect(text).toContain('median of 3 run(s)');
    expect(text).toMatch(/\| cic-width \| wasm\+native \| mnist 20000\+10000 \| 40 +\| 1 +\| 60\.0 +\| 40\.0 +\| 1\.50 +\| 15\.0 \(torch 2\.13\.0\+cpu\) \| 10\.0 +\| 0\.25 +\| 0\.900 \/ 0\.910/);
    expect(text).toContain('| torch cell |');
  });

  it('shows a row per mgdl backend against the one torch run of the cell', () => {
    const torch = { torch: '2.13.0+cpu', testAccuracy: 0.91, setup: 1, steps: 10, evaluation: 1, checkpoint: 1, wrapUp: 1, total: 15 };
    const common = { cell: 'cic-width', dataset: 'mnist', epochs: 2, threads: 1, trainSize: 20000, testSize: 10000, runs: 1, torch, torchVersion: '2.13.0+cpu' };
    const text = formatCellTables([
      { ...common, backend: 'wasm', mgdl: profile(60, 40) },
      { ...common, backend: 'wasm+native', mgdl: profile(20, 10) },
    ]);
    expect(text).toMatch(/\| cic-width \| wasm +\| .*\| 0\.25 +\|/);
    expect(text).toMatch(/\| cic-width \| wasm\+native \| .*\| 0\.75 +\|/);
    expect(text.match(/^\| cic-width +\| 1\.0 +\| 10\.0/gm), 'the torch phases once').toHaveLength(1);
  });
});
