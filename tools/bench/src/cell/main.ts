/**
 * npm run bench:cell [-- --cells cic-width,cic-noise] [--epochs N] [--threads 1] [--runs 3] [--backends wasm,wasm+native] [--data-dir DIR] [--torch-python PATH] [--json FILE]
 *
 * Times experiment cells end to end as users run them (data, training with per-presentation
 * recording, per-epoch test evaluation, checkpoints, forgetting analysis, run files) against a
 * PyTorch script doing the same work on the same data, and shows where each cell's time goes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOneDnn } from '@mgdl/backend';
import { writeFileAtomic } from '@mgdl/io';
import { commandLine, positiveInteger } from '../command-line.js';
import { NATIVE_BENCH_BACKEND } from '../nets.js';
import { referencesFromFlags, TORCH_OPTIONS, type TorchReference } from '../torch.js';
import { benchCell, cellNames, type BenchCell, type CellName } from './cases.js';
import { CellDataError, cellDataset } from './data.js';
import { formatCellTables, median, type CellResult, type TorchCellRun } from './table.js';
import type { CellProfile } from './profile.js';

const HELP = `Usage: npm run bench:cell -- [options]
  --cells LIST        ${cellNames.join(', ')} (default: both): cic-width's default cell at w = 4, cic-noise's at w = 3, noise 0.4
  --epochs N          epochs per cell (default: the default preset's, 40 for cic-width and 30 for cic-noise)
  --threads N         wasm and torch threads (default: 1)
  --runs N            runs of each side; the table shows the median (default: 1)
  --backends LIST     mgdl's backends: wasm (mgdl's wasm kernels only) and wasm+native (with oneDNN's);
                      default: both when libdnnl.so.2 loads, else wasm. Each run runs every backend and
                      then PyTorch, back to back
  --data-dir DIR      the folder holding mnist/, fashion-mnist/, cifar-10/ (default: env MGDL_DATA_DIR)
  --torch-python PATH the python whose torch runs the script (default: as npm run bench: the venv's 2.x, else Debian's)
  --no-torch-venv     do not create the PyTorch venv
  --no-torch          mgdl only
  --json FILE         also write the results as JSON
  -h, --help          this text`;

const cli = commandLine('bench:cell', HELP, {
  cells: { type: 'string', default: cellNames.join(',') },
  epochs: { type: 'string' },
  threads: { type: 'string', default: '1' },
  runs: { type: 'string', default: '1' },
  backends: { type: 'string' },
  'data-dir': { type: 'string' },
  ...TORCH_OPTIONS,
  json: { type: 'string' },
});
const { values, fail } = cli;
const log = (line: string): void => void process.stderr.write(`[bench:cell] ${line}\n`);

const names = values.cells.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = names.filter((n) => !(cellNames as readonly string[]).includes(n));
if (unknown.length > 0 || names.length === 0) fail(`--cells: unknown cell(s) ${unknown.join(', ') || '(none given)'}; known: ${cellNames.join(', ')}`);
const epochs = cli.value('epochs', positiveInteger);
const threads = cli.value('threads', positiveInteger);
const runs = cli.value('runs', positiveInteger);
const backends = values.backends?.split(',').map((s) => s.trim()).filter(Boolean) ?? defaultBackends();
const unknownBackends = backends.filter((b) => b !== 'wasm' && b !== NATIVE_BENCH_BACKEND);
if (backends.length === 0 || unknownBackends.length > 0) fail(`--backends: unknown backend(s) ${unknownBackends.join(', ') || '(none given)'}; known: wasm, ${NATIVE_BENCH_BACKEND}`);
const dataDir = values['data-dir'] ?? process.env['MGDL_DATA_DIR'] ?? fail('no data folder: pass --data-dir DIR or set MGDL_DATA_DIR to the folder that holds mnist/ (and fashion-mnist/ or cifar-10/)');

const cells: { cell: BenchCell; dataset: string }[] = [];
for (const name of names as CellName[]) {
  const cell = benchCell(name, { dataDir, ...(epochs ? { epochs } : {}) });
  try {
    cells.push({ cell, dataset: await cellDataset(cell) });
  } catch (error) {
    if (error instanceof CellDataError) fail(error.message);
    throw error;
  }
}
const reference: TorchReference | undefined = referencesFromFlags(values, log, fail)[0];
if (!values['no-torch'] && !reference) log('no PyTorch found: mgdl only');

const runMgdl = fileURLToPath(new URL('./run-mgdl.ts', import.meta.url));
const cellScript = fileURLToPath(new URL('../../python/cell_bench.py', import.meta.url));
/** Runs a child, passing its stderr through, and parses the JSON line it ends its stdout with. */
function child<T>(what: string, command: string, args: string[]): T {
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status ?? run.signal}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

const results: CellResult[] = [];
for (const { cell, dataset } of cells) {
  const scratch = mkdtempSync(join(tmpdir(), 'mgdl-bench-cell-'));
  try {
    const data = join(scratch, 'data');
    const mgdl = new Map<string, CellProfile[]>(backends.map((b) => [b, []]));
    const torch: TorchCellRun[] = [];
    // Run by run, every backend and then torch back to back: other load on a shared machine then
    // weighs on all sides of a ratio alike.
    for (let run = 0; run < runs; run++) {
      for (const [b, backend] of backends.entries()) {
        log(`mgdl ${backend} ${cell.name} (${dataset}, ${cell.config.epochs} epochs, ${threads} thread(s)), run ${run + 1}/${runs}`);
        const args = ['--conditions=source', '--import', 'tsx', runMgdl, '--cell', cell.name, '--backend', backend, '--threads', String(threads), '--data-dir', dataDir, '--dir', join(scratch, `mgdl-${backend}-${run}`)];
        if (epochs) args.push('--epochs', String(epochs));
        if (run === 0 && b === 0 && reference) args.push('--export', data);
        mgdl.get(backend)!.push(child<{ profile: CellProfile }>(`mgdl ${backend} ${cell.name}`, process.execPath, args).profile);
      }
      if (!reference) continue;
      log(`torch ${reference.version} ${cell.name}, run ${run + 1}/${runs}`);
      const dir = join(scratch, `torch-${run}`);
      mkdirSync(dir);
      const { config } = cell;
      const args = [cellScript, '--data', data, '--model', cell.torchModel, '--epochs', String(config.epochs), '--batch', String(config.batchSize), '--lr', String(config.learningRate), '--threads', String(threads), '--dir', dir];
      torch.push(child<TorchCellRun>(`cell_bench.py (torch ${reference.version})`, reference.python, args));
    }
    for (const backend of backends) {
      results.push({ cell: cell.name, backend, dataset, epochs: cell.config.epochs, threads, trainSize: cell.config.trainSize, testSize: cell.config.testSize, mgdl: median(mgdl.get(backend)!), ...(reference ? { torch: median(torch), torchVersion: reference.version } : {}), runs });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

console.log(`\n${formatCellTables(results)}`);
if (values.json) {
  writeFileAtomic(values.json, JSON.stringify({ reference: reference ? { version: reference.version, python: reference.python, source: reference.source } : null, results }, null, 2) + '\n');
  log(`wrote ${values.json}`);
}

/** wasm, and wasm+native when oneDNN loads here (else a note on why the table lacks it). */
function defaultBackends(): string[] {
  const load = loadOneDnn(1);
  if (load.ok) return ['wasm', NATIVE_BENCH_BACKEND];
  log(`no ${NATIVE_BENCH_BACKEND} rows: ${load.reason}`);
  return ['wasm'];
}
