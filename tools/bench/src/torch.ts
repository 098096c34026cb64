import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's python3-torch lives under the system python, not whatever python is first on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/torch_bench.py', import.meta.url));

export type TorchStatus = { ok: true; version: string } | { ok: false; reason: string };

function torchVersion(): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return undefined;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** Finds PyTorch, installing Debian's python3-torch with apt when it is missing and we can. */
export function ensureTorch(log: (line: string) => void): TorchStatus {
  const found = torchVersion();
  if (found) return { ok: true, version: found };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'python3-torch is not installed and apt needs root: run `sudo apt-get install -y python3-torch`' };
  if (!existsSync('/usr/bin/apt-get')) return { ok: false, reason: 'python3-torch is not installed and there is no apt-get' };
  log('installing python3-torch with apt (one time, a few minutes)…');
  const apt = spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (apt.status !== 0) return { ok: false, reason: `apt-get install python3-torch failed (exit ${apt.status})` };
  const installed = torchVersion();
  return installed ? { ok: true, version: installed } : { ok: false, reason: 'python3-torch installed but `import torch` still fails' };
}

export interface TorchRow {
  net: string;
  threads: number;
  samplesPerSec: number;
}

export function runTorch(nets: string[], threads: number, batch: number, seconds: number): TorchRow[] {
  const args = [SCRIPT, '--nets', nets.join(','), '--threads', String(threads), '--batch', String(batch), '--seconds', String(seconds)];
  const run = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`torch_bench.py exited with ${run.status}`);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TorchRow);
}
