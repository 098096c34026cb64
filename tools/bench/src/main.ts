/**
 * npm run bench [-- --only mlp,mcnn3] [--threads 1,2] [--seconds 5] [--json FILE] [--backends wasm,cpu] [--torch-python PATH]
 *
 * Trains the same nets with the same batch (128), optimizer (Adam 1e-3) and thread count in tfjs on
 * every available backend and in PyTorch CPU — 2.x from a venv the bench creates, and Debian's 1.13
 * when present — and prints samples/s and the tfjs/torch ratio against each.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@mgdl/io';
import { loadOneDnn } from '@mgdl/backend';
import { commandLine, positiveInteger, positiveIntegers, positiveNumber } from './command-line.js';
import { benchNets, NATIVE_BENCH_BACKEND, selectNets } from './nets.js';
import { referencesFromFlags, runTorch, TORCH_OPTIONS, TORCH_PYTHON_ENV, TORCH_VENV_ENV, type TorchReference } from './torch.js';
import { formatTable, joinRows, medianRows, type ReferenceRows, type TfjsRow } from './rows.js';

const HELP = `Usage: npm run bench -- [options]
  --only NAMES      comma-separated nets (default: all): ${benchNets.map((n) => n.name).join(', ')}
  --threads LIST    thread counts to compare at (default: 1,2)
  --seconds N       timed seconds per measurement (default: 5)
  --runs N          measure every row N times (tfjs and torch back to back each time); the table
                    shows the medians (default: 1)
  --backends LIST   tfjs backends (default: every one available; cpu only for the mlp unless listed);
                    wasm+native is wasm with oneDNN's kernels (default when libdnnl.so.2 loads), wasm without;
                    webgpu (only when listed) the GPU adapter Dawn finds, e.g. --backends webgpu,wasm+native
  --json FILE       also write {batch, references: [{version, python, source}], rows: [{net, backend, threads,
                    samplesPerSec, torchSamplesPerSec, ratio, references: [{torch, samplesPerSec, ratio}]}]}
  --torch-python PATH  the python whose torch is the reference (repeat for several; default: env
                    ${TORCH_PYTHON_ENV}, else PyTorch 2.x from the venv in ${TORCH_VENV_ENV} or
                    node_modules/.cache/mgdl-bench-torch, created with pip when missing, and Debian's 1.13)
  --no-torch-venv   do not create that venv (an existing one is still used)
  --no-torch        skip the PyTorch reference
  -h, --help        this text`;

const cli = commandLine('bench', HELP, {
  only: { type: 'string' },
  threads: { type: 'string', default: '1,2' },
  seconds: { type: 'string', default: '5' },
  runs: { type: 'string', default: '1' },
  backends: { type: 'string' },
  json: { type: 'string' },
  ...TORCH_OPTIONS,
});
const { values, fail } = cli;
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

const BATCH = 128;
const nets = (() => {
  try {
    return selectNets(values.only).map((n) => n.name);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const threadCounts = cli.value('threads', positiveIntegers);
const seconds = cli.value('seconds', positiveNumber);
const repeats = cli.value('runs', positiveInteger);

// Checked before any measurement, so a wrong path fails at once rather than after minutes of tfjs runs.
const references: TorchReference[] = referencesFromFlags(values, log, fail);
if (!values['no-torch'] && references.length === 0) log('no PyTorch found: the table has no reference (see the notes above)');

const require = createRequire(import.meta.url);
const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const explicitBackends = values.backends?.split(',').map((s) => s.trim());
const backends = explicitBackends ?? [
  ...(installed('@tensorflow/tfjs-node-gpu') ? ['tfjs-node-gpu'] : []),
  ...(installed('@tensorflow/tfjs-node') ? ['tfjs-node'] : []),
  'wasm',
  ...nativeBackend(),
  'cpu',
];

/** wasm+native when oneDNN loads here, else a note on why the table lacks it. */
function nativeBackend(): string[] {
  const load = loadOneDnn(1);
  if (load.ok) return [NATIVE_BENCH_BACKEND];
  log(`no ${NATIVE_BENCH_BACKEND} rows: ${load.reason}`);
  return [];
}

const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));
/** One measurement process (the backend and its thread pool are process-global); no rows when it fails. */
function measureTfjs(backend: string, threads: number, net: string): TfjsRow[] {
  const run = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', measureScript, '--backend', backend, '--threads', String(threads), '--nets', net, '--batch', String(BATCH), '--seconds', String(seconds)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0) {
    log(`tfjs ${backend} ${net} failed (exit ${run.status}); continuing`);
    return [];
  }
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as TfjsRow);
}
// tfjs-cpu is single-threaded JS and ~100× slower on CNNs: by default it runs the mlp only, and
// every backend but wasm (with or without oneDNN) runs once, at 1 thread.
const runs = (backend: string, net: string, threads: number): boolean =>
  backend.startsWith('wasm') || (threads === threadCounts[0] && (backend !== 'cpu' || Boolean(explicitBackends) || net === 'mlp'));

const loadAtStart = loadavg()[0]!;
const tfjsRows: TfjsRow[] = [];
const referenceRows: ReferenceRows[] = references.map((reference) => ({ version: reference.version, rows: [] }));
// Net by net, tfjs and torch back to back: on a shared machine, other processes' load then weighs
// on both sides of a ratio alike (measuring all tfjs first, then all torch, gave ratios off by 5×).
for (const threads of threadCounts) {
  for (const net of nets) {
    for (let run = 1; run <= repeats; run++) {
      const of = repeats > 1 ? ` (run ${run}/${repeats})` : '';
      for (const backend of backends.filter((b) => runs(b, net, threads))) {
        const backendThreads = backend.startsWith('wasm') ? threads : 1;
        log(`tfjs ${backend}, ${backendThreads} thread(s): ${net}${of}`);
        tfjsRows.push(...measureTfjs(backend, backendThreads, net));
      }
      references.forEach((reference, i) => {
        log(`torch ${reference.version} (${reference.source}), ${threads} thread(s): ${net}${of}`);
        referenceRows[i]!.rows.push(...runTorch(reference, [net], threads, BATCH, seconds));
      });
    }
  }
}
const loadAtEnd = loadavg()[0]!;

const rows = joinRows(
  medianRows(tfjsRows),
  referenceRows.map((reference) => ({ ...reference, rows: medianRows(reference.rows) })),
);
const versions = references.map((r) => r.version);
const named = references.map((r) => `torch ${r.version} (${r.source}: ${r.python})`).join(', ') || 'no torch reference';
const load = `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end, on ${availableParallelism()} cores`;
console.log(`\nbatch ${BATCH}, Adam 1e-3, random data, median of ${repeats} run(s); ${named}; ratio = tfjs / torch at equal threads; ${load}\n`);
console.log(formatTable(rows, versions));
if (values.json) {
  const report = { batch: BATCH, optimizer: 'adam 1e-3', seconds, runs: repeats, loadAverage: { start: loadAtStart, end: loadAtEnd }, references: references.map(({ version, python, source }) => ({ version, python, source })), rows };
  writeFileAtomic(values.json, JSON.stringify(report, null, 2) + '\n');
  log(`wrote ${values.json}`);
}
