import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const canImport = (python: string) => spawnSync(python, ['-c', 'import tensorboard'], { stdio: 'ignore' }).status === 0;

/**
 * A Python with TensorBoard, to read mgdl's event files with TensorBoard's own loader:
 * MGDL_PYTHON when set, else a virtual environment under the workspace's node_modules/.cache,
 * made with `python3 -m venv` and `pip install tensorboard` the first time (a few minutes).
 * Throws with the reason when neither works, so the test fails instead of skipping.
 */
export function ensureTensorBoardPython(): string {
  const given = process.env['MGDL_PYTHON'];
  if (given) {
    if (!canImport(given)) throw new Error(`MGDL_PYTHON=${given} cannot import tensorboard: run \`${given} -m pip install tensorboard\``);
    return given;
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const venv = join(root, 'node_modules', '.cache', 'mgdl', 'tensorboard-venv');
  const python = join(venv, 'bin', 'python');
  if (existsSync(python) && canImport(python)) return python;
  mkdirSync(dirname(venv), { recursive: true });
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [python, ['-m', 'pip', 'install', '--quiet', 'tensorboard']],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`TensorBoard is needed to check the event files and could not be installed: \`${command} ${args.join(' ')}\` failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr.slice(-500)}. Install it yourself and set MGDL_PYTHON to that python.`);
  }
  if (!canImport(python)) throw new Error(`${python} still cannot import tensorboard after pip install`);
  return python;
}
