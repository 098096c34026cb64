/**
 * One mgdl cell run per process (the wasm thread count is fixed when the backend starts): runs the
 * cell exactly as its experiment does, into a scratch folder, and prints its profile as JSON.
 *   run-mgdl.ts --cell cic-width --backend wasm+native --threads 1 --data-dir DIR [--epochs N] --dir SCRATCH [--export DATA]
 * Backend `wasm` runs mgdl's wasm kernels only; `wasm+native` adds oneDNN's (and fails without it).
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '@mgdl/backend';
import { classificationCell } from '@mgdl/experiment';
import { NATIVE_BENCH_BACKEND } from '../nets.js';
import { benchCell, type CellName } from './cases.js';
import { cellDataset, cellSplits, writeCellData } from './data.js';
import { cellProfiler } from './profile.js';

const { values } = parseArgs({
  options: { cell: { type: 'string' }, backend: { type: 'string', default: 'wasm' }, threads: { type: 'string' }, 'data-dir': { type: 'string' }, epochs: { type: 'string' }, dir: { type: 'string' }, export: { type: 'string' } },
});
const backend = await initBackend({ backend: 'wasm', threads: Number(values.threads), native: values.backend === NATIVE_BENCH_BACKEND });
const cell = benchCell(values.cell as CellName, { dataDir: values['data-dir']!, ...(values.epochs ? { epochs: Number(values.epochs) } : {}) });
if (values.export) {
  mkdirSync(values.export, { recursive: true });
  writeCellData(values.export, await cellSplits(cell, await cellDataset(cell)));
}
// The cell prints progress lines on stdout; this process's stdout carries only the result line.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => process.stderr.write(chunk, ...rest)) as typeof process.stdout.write;
const start = performance.now();
const profiler = cellProfiler(start);
await classificationCell(cell.config, values.dir!, { ...cell.spec, plugins: [profiler] });
write(JSON.stringify({ cell: cell.name, backend: values.backend, threads: backend.threads, epochs: cell.config.epochs, profile: profiler.profile(performance.now()) }) + '\n');
process.exit(0);
