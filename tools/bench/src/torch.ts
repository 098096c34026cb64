import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's python3-torch (1.13, reference BLAS for dense products) lives under the system python. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** Chooses the PyTorch interpreter(s) instead of the venv and system ones; a path-delimited list. */
export const TORCH_PYTHON_ENV = 'MGDL_BENCH_TORCH_PYTHON';
/** Where the bench keeps the virtual environment with PyTorch 2.x (default: an ignored cache folder). */
export const TORCH_VENV_ENV = 'MGDL_BENCH_TORCH_VENV';
export const DEFAULT_VENV = fileURLToPath(new URL('../../../node_modules/.cache/mgdl-bench-torch', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../python/torch_bench.py', import.meta.url));

/** One PyTorch installation the bench compares against. */
export interface TorchReference {
  python: string;
  version: string;
  /** venv: created by the bench; system: Debian's; chosen: --torch-python or the env variable. */
  source: 'venv' | 'system' | 'chosen';
}

/** A --torch-python that cannot serve: the bench exits 2 with this message. */
export class TorchPythonError extends Error {}

type Probe = { ok: true; version: string } | { ok: false; reason: string };

export function probeTorch(python: string): Probe {
  if (!existsSync(python)) return { ok: false, reason: 'no such file' };
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `cannot run it (${probe.error.message})` };
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').at(-1) ?? '';
    return { ok: false, reason: `\`import torch\` failed (exit ${probe.status}${last ? `: ${last}` : ''})` };
  }
  return { ok: true, version: probe.stdout.trim() };
}

/** The interpreters named by --torch-python (repeatable) or else by the env variable; empty when neither. */
export function chosenPythons(flags: readonly string[] | undefined, env = process.env): string[] {
  if (flags && flags.length > 0) return [...flags];
  return (env[TORCH_PYTHON_ENV] ?? '').split(delimiter).filter(Boolean);
}

/** Every chosen interpreter must import torch; otherwise a TorchPythonError names it and says how to fix it. */
export function checkChosen(pythons: readonly string[]): TorchReference[] {
  return pythons.map((python) => {
    const probe = probeTorch(python);
    if (!probe.ok) {
      throw new TorchPythonError(
        `--torch-python ${python}: ${probe.reason}. Pass a python interpreter that can import torch ` +
          `(e.g. a venv's bin/python after \`bin/pip install torch numpy\`), or drop the flag (and ${TORCH_PYTHON_ENV}) to let the bench find one.`,
      );
    }
    return { python, version: probe.version, source: 'chosen' };
  });
}

const venvPython = (dir: string): string => join(dir, 'bin', 'python');

/**
 * PyTorch 2.x in a virtual environment: reused when it imports torch, else (when `create`) made with
 * `python3 -m venv` and `pip install torch numpy`. Returns why not when it cannot.
 */
export function venvTorch(dir: string, create: boolean, log: (line: string) => void): TorchReference | { reason: string } {
  const python = venvPython(dir);
  const found = probeTorch(python);
  if (found.ok) return { python, version: found.version, source: 'venv' };
  if (!create) return { reason: `no PyTorch venv at ${dir} (--no-torch-venv)` };
  log(`creating a PyTorch venv in ${dir} (one time, a few minutes)…`);
  if (!existsSync(python)) {
    const venv = spawnSync('python3', ['-m', 'venv', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (venv.status !== 0) return { reason: `\`python3 -m venv ${dir}\` failed (exit ${venv.status ?? venv.error?.message})` };
  }
  const pip = spawnSync(python, ['-m', 'pip', 'install', '-q', 'torch', 'numpy'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (pip.status !== 0) return { reason: `\`pip install torch numpy\` in ${dir} failed (exit ${pip.status})` };
  const installed = probeTorch(python);
  return installed.ok ? { python, version: installed.version, source: 'venv' } : { reason: `torch installed in ${dir} but ${installed.reason}` };
}

/** Debian's python3-torch, installed with apt when it is missing and we are root. */
export function systemTorch(python: string, install: boolean, log: (line: string) => void): TorchReference | { reason: string } {
  const found = probeTorch(python);
  if (found.ok) return { python, version: found.version, source: 'system' };
  if (!install || python !== SYSTEM_PYTHON) return { reason: `${python} has no torch (${found.reason})` };
  if (process.getuid?.() !== 0) return { reason: 'python3-torch is not installed and apt needs root: run `sudo apt-get install -y python3-torch`' };
  if (!existsSync('/usr/bin/apt-get')) return { reason: 'python3-torch is not installed and there is no apt-get' };
  log('installing python3-torch with apt (one time, a few minutes)…');
  const apt = spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (apt.status !== 0) return { reason: `apt-get install python3-torch failed (exit ${apt.status})` };
  const installed = probeTorch(SYSTEM_PYTHON);
  return installed.ok ? { python: SYSTEM_PYTHON, version: installed.version, source: 'system' } : { reason: `python3-torch installed but ${installed.reason}` };
}

/** Newest first by numeric major.minor.patch, so the first reference is the strongest one. */
export function byVersion(a: TorchReference, b: TorchReference): number {
  const parts = (v: string) => v.split(/[.+]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a.version), parts(b.version)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i]! - pa[i]!;
  return 0;
}

/** The references to run, strongest first: the chosen ones, else the venv's torch 2.x and Debian's (both when both exist). */
export function findReferences(options: { chosen: readonly string[]; createVenv: boolean; venvDir: string; systemPython?: string; log: (line: string) => void }): TorchReference[] {
  if (options.chosen.length > 0) return checkChosen(options.chosen).sort(byVersion);
  const venv = venvTorch(options.venvDir, options.createVenv, options.log);
  if (!('python' in venv)) options.log(`PyTorch venv unavailable: ${venv.reason}`);
  const system = systemTorch(options.systemPython ?? SYSTEM_PYTHON, !('python' in venv), options.log);
  if (!('python' in system)) options.log(`Debian PyTorch unavailable: ${system.reason}`);
  return [venv, system].filter((r): r is TorchReference => 'python' in r).sort(byVersion);
}

export interface TorchRow {
  net: string;
  threads: number;
  samplesPerSec: number;
}

export function runTorch(reference: TorchReference, nets: string[], threads: number, batch: number, seconds: number): TorchRow[] {
  const args = [SCRIPT, '--nets', nets.join(','), '--threads', String(threads), '--batch', String(batch), '--seconds', String(seconds)];
  const run = spawnSync(reference.python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`torch_bench.py under ${reference.python} (torch ${reference.version}) exited with ${run.status}`);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TorchRow);
}

/** The benches' shared torch flags, as parseArgs options (their usage lines are each bench's). */
export const TORCH_OPTIONS = {
  'torch-python': { type: 'string', multiple: true },
  'no-torch-venv': { type: 'boolean', default: false },
  'no-torch': { type: 'boolean', default: false },
} as const;

/** The benches' shared torch flags, as parseArgs gives them. */
export interface TorchFlags {
  'torch-python'?: string[];
  'no-torch-venv'?: boolean;
  'no-torch'?: boolean;
}

/** The references the flags ask for (none with --no-torch); a chosen python that cannot serve calls `fail` with why. */
export function referencesFromFlags(flags: TorchFlags, log: (line: string) => void, fail: (message: string) => never): TorchReference[] {
  if (flags['no-torch']) return [];
  try {
    return findReferences({ chosen: chosenPythons(flags['torch-python']), createVenv: !flags['no-torch-venv'], venvDir: process.env[TORCH_VENV_ENV] || DEFAULT_VENV, log });
  } catch (error) {
    if (error instanceof TorchPythonError) return fail(error.message);
    throw error;
  }
}
