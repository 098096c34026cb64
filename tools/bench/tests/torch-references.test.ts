import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chosenPythons, findReferences, TORCH_PYTHON_ENV, TorchPythonError } from '../src/torch.js';
import { fakePython } from './fake-python.js';

const dir = mkdtempSync(join(tmpdir(), 'mgdl-bench-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = (): void => {};

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** The bench on the cpu backend's smallest net for a moment: the torch side is what these tests check. */
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--backends', 'cpu', '--only', 'regression-mlp', '--threads', '1', '--seconds', '0.2', ...args], {
    encoding: 'utf8',
    env: { ...process.env, [TORCH_PYTHON_ENV]: '' },
    timeout: 600_000,
  });

describe('torch references', () => {
  it('takes torch 2.x from the venv and Debian 1.13 from the system python, strongest first', () => {
    const venvDir = join(dir, 'venv');
    fakePython(join(venvDir, 'bin', 'python'), '2.5.1+cpu');
    const system = fakePython(join(dir, 'system-python'), '1.13.1');
    const found = findReferences({ chosen: [], createVenv: false, venvDir, systemPython: system, log: quiet });
    expect(found).toEqual([
      { python: join(venvDir, 'bin', 'python'), version: '2.5.1+cpu', source: 'venv' },
      { python: system, version: '1.13.1', source: 'system' },
    ]);
  });

  it('falls back to the system torch when there is no venv and it may not create one', () => {
    const system = fakePython(join(dir, 'only-system'), '1.13.1');
    const notes: string[] = [];
    const found = findReferences({ chosen: [], createVenv: false, venvDir: join(dir, 'absent'), systemPython: system, log: (l) => notes.push(l) });
    expect(found.map((r) => r.version)).toEqual(['1.13.1']);
    expect(notes.join('\n')).toContain('no PyTorch venv');
  });

  it('uses only the chosen pythons, from the flag or else the env variable', () => {
    const chosen = fakePython(join(dir, 'chosen'), '2.13.0+cpu');
    expect(findReferences({ chosen: [chosen], createVenv: false, venvDir: join(dir, 'absent'), log: quiet })).toEqual([{ python: chosen, version: '2.13.0+cpu', source: 'chosen' }]);
    expect(chosenPythons(undefined, { [TORCH_PYTHON_ENV]: ['a', 'b'].join(delimiter) })).toEqual(['a', 'b']);
    expect(chosenPythons(['c'], { [TORCH_PYTHON_ENV]: 'a' })).toEqual(['c']);
    const noTorch = fakePython(join(dir, 'no-torch'), undefined);
    expect(() => findReferences({ chosen: [noTorch], createVenv: false, venvDir: join(dir, 'absent'), log: quiet })).toThrow(TorchPythonError);
  });

  it('npm run bench records both references in its JSON and prints each version in the table, medians of --runs', () => {
    const newer = fakePython(join(dir, 'torch2'), '2.5.1+cpu', 1000);
    const older = fakePython(join(dir, 'torch1'), '1.13.1', 250);
    const json = join(dir, 'bench.json');
    const run = bench('--torch-python', older, '--torch-python', newer, '--runs', '2', '--json', json);
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/torch 2\.5\.1\+cpu samples\/s .* torch 1\.13\.1 samples\/s/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runs: number; references: { version: string; python: string }[]; rows: { torchSamplesPerSec: number; references: { torch: string; samplesPerSec: number }[] }[] };
    expect(report.references.map((r) => [r.version, r.python])).toEqual([['2.5.1+cpu', newer], ['1.13.1', older]]);
    expect(report.runs).toBe(2);
    expect(report.rows).toHaveLength(1); // the median of the two runs
    expect(report.rows[0]!.torchSamplesPerSec).toBe(1000);
    expect(report.rows[0]!.references.map((r) => [r.torch, r.samplesPerSec])).toEqual([['2.5.1+cpu', 1000], ['1.13.1', 250]]);
  });

  it('refuses a --torch-python that does not exist or cannot import torch, naming it, with exit code 2', () => {
    const missing = join(dir, 'no', 'such', 'python');
    const run = bench('--torch-python', missing);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`--torch-python ${missing}: no such file`);
    const noTorch = fakePython(join(dir, 'python-without-torch'), undefined);
    const broken = bench('--torch-python', noTorch);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(`--torch-python ${noTorch}: \`import torch\` failed (exit 1: ModuleNotFoundError: No module named 'torch')`);
  });
});
