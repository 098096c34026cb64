/**
 * npm run bench:seeds [-- --app cic-width|cic-noise] [--seeds 10] [--epochs 5] [--width W] [--data-dir DIR] [--torch-python PATH] [--json FILE]
 *
 * A column of seeds of cic-width (the dense fcnn, default w = 4) or cic-noise (the conv net mcnn
 * with batch norm, noise 0.4, default k = 3), end to end as a user runs it: the app with `--set
 * widths=[W] seeds=[0…S−1] epochs=E --workers 1` once with its seeds as one ensemble (the default)
 * and once with `--ensemble off` (S single-seed cell processes), against the PyTorch twin of the
 * cell (cell_bench.py) run once per seed on the exported data of seed 0 — all on one core, in the
 * same run. Prints the seconds per seed of each and the ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@mgdl/backend';
import { writeFileAtomic } from '@mgdl/io';
import { commandLine, positiveInteger } from '../command-line.js';
import { markdownTable } from '../markdown.js';
import { referencesFromFlags, TORCH_OPTIONS } from '../torch.js';
import { benchCell } from './cases.js';
import { cellDataset, cellSplits, writeCellData } from './data.js';

const HELP = `Usage: npm run bench:seeds -- [options]
  --app NAME          cic-width (the dense fcnn) or cic-noise (the conv net mcnn, noise 0.4) (default: cic-width)
  --seeds S           seeds 0…S−1 in the column (default: 10)
  --epochs N          epochs of each seed (default: 5)
  --width W           the net's width (default: 4 for cic-width's fcnn, 3 for cic-noise's mcnn)
  --data-dir DIR      the folder holding mnist/ (default: env MGDL_DATA_DIR)
  --torch-python PATH the python whose torch runs the cell script once per seed (default: as npm run bench chooses)
  --no-torch-venv     do not create the bench's PyTorch venv
  --no-torch          mgdl only
  --json FILE         also write {app, width, seeds, epochs, seconds: {ensemble, alone, torch}, torchVersion}
  -h, --help          this text`;
const cli = commandLine('bench:seeds', HELP, {
  seeds: { type: 'string', default: '10' },
  epochs: { type: 'string', default: '5' },
  app: { type: 'string', default: 'cic-width' },
  width: { type: 'string' },
  'data-dir': { type: 'string' },
  ...TORCH_OPTIONS,
  json: { type: 'string' },
});
const { values, fail } = cli;
const log = (line: string): void => void process.stderr.write(`[bench:seeds] ${line}\n`);
/** Per app: its net (the PyTorch twin's name without the width), default width and the grid values besides width and seed. */
const APPS = {
  'cic-width': { net: 'fcnn', width: 4, grid: [] as string[] },
  'cic-noise': { net: 'mcnn', width: 3, grid: ['--set', 'noises=[0.4]'] },
} as const;
const app = Object.hasOwn(APPS, values.app) ? (values.app as keyof typeof APPS) : fail(`--app '${values.app}' must be one of ${Object.keys(APPS).join(', ')}`);
const [seeds, epochs] = [cli.value('seeds', positiveInteger), cli.value('epochs', positiveInteger)];
const width = cli.value('width', positiveInteger) ?? APPS[app].width;
const dataDir = values['data-dir'] ?? process.env['MGDL_DATA_DIR'] ?? fail('no data folder: pass --data-dir DIR or set MGDL_DATA_DIR to the folder that holds mnist/');
const reference = referencesFromFlags(values, log, fail)[0];

const main = fileURLToPath(new URL(`../../../../apps/${app}/src/main.ts`, import.meta.url));
const cellScript = fileURLToPath(new URL('../../python/cell_bench.py', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'mgdl-bench-seeds-'));

/** Wall seconds of a child that must succeed. */
function timed(what: string, command: string, args: string[]): number {
  log(what);
  const start = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status ?? run.signal}: ${run.stderr.split('\n').slice(-5).join(' | ')}`);
  const seconds = (performance.now() - start) / 1000;
  log(`  ${seconds.toFixed(1)} s`);
  return seconds;
}

try {
  const grid = ['--set', `widths=[${width}]`, ...APPS[app].grid, '--set', `seeds=[${Array.from({ length: seeds }, (_, s) => s).join(',')}]`, '--set', `epochs=${epochs}`, '--workers', '1', '--data-dir', dataDir];
  const appRun = (name: string, extra: string[]) => ['--conditions=source', '--import', 'tsx', main, '--config', 'default', '--runs-dir', join(scratch, 'runs'), '--name', name, ...grid, ...extra];
  const together = timed(`${app} w=${width}, ${seeds} seeds × ${epochs} epochs as one ensemble`, process.execPath, appRun('ensemble', []));
  const alone = timed(`the same, each seed its own cell (--ensemble off)`, process.execPath, appRun('alone', ['--ensemble', 'off']));
  let torch: number | undefined;
  if (reference) {
    await initBackend({ backend: 'cpu' }); // the export batches the data with tfjs
    const cell = benchCell(app, { dataDir, epochs });
    const data = join(scratch, 'data');
    mkdirSync(data);
    // Seed 0's training subset and test set (the data does not depend on the width).
    writeCellData(data, await cellSplits(cell, await cellDataset(cell)));
    torch = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const dir = join(scratch, `torch-${seed}`);
      mkdirSync(dir);
      const args = [cellScript, '--data', data, '--model', `${APPS[app].net}${width}`, '--epochs', String(epochs), '--batch', String(cell.config.batchSize), '--lr', String(cell.config.learningRate), '--threads', '1', '--dir', dir];
      torch += timed(`torch ${reference.version} cell script, seed ${seed + 1}/${seeds}`, reference.python, args);
    }
  }
  const runs: [string, number][] = [['mgdl, seeds as one ensemble', together], ['mgdl, each seed its own cell (--ensemble off)', alone], ...(torch === undefined ? [] : [[`PyTorch ${reference!.version} cell script, once per seed`, torch] as [string, number]])];
  console.log(`\n${app} default cell (${APPS[app].net}) at w = ${width}, ${epochs} epochs, ${seeds} seeds, one core (one worker, one thread), end to end with process start-up`);
  console.log(
    markdownTable(
      ['run', 'seconds per seed', 'time ÷ the ensemble\'s', 'PyTorch\'s time ÷ this (> 1: faster than PyTorch)'],
      runs.map(([name, seconds]) => [name, (seconds / seeds).toFixed(2), (seconds / together).toFixed(2), torch === undefined ? '—' : (torch / seconds).toFixed(2)]),
    ),
  );
  if (values.json) writeFileAtomic(values.json, JSON.stringify({ app, width, seeds, epochs, seconds: { ensemble: together, alone, ...(torch === undefined ? {} : { torch }) }, torchVersion: reference?.version ?? null }, null, 2) + '\n');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
