/**
 * npm run bench [-- --only mlp,mcnn3] [--threads 1,2] [--seconds 5] [--json FILE] [--backends wasm,cpu]
 *
 * Trains the same nets with the same batch (128), optimizer (Adam 1e-3) and thread count in tfjs on
 * every available backend and in PyTorch CPU, and prints samples/s and the tfjs/torch ratio.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@mgdl/io';
import { benchNets, selectNets } from './nets.js';
import { ensureTorch, runTorch } from './torch.js';
import { formatTable, joinRows, type TfjsRow } from './rows.js';

const HELP = `Usage: npm run bench -- [options]
  --only NAMES      comma-separated nets (default: all): ${benchNets.map((n) => n.name).join(', ')}
  --threads LIST    thread counts to compare at (default: 1,2)
  --seconds N       timed seconds per measurement (default: 5)
  --backends LIST   tfjs backends (default: every one available; cpu only for the mlp unless listed)
  --json FILE       also write rows {net, backend, threads, samplesPerSec, torchSamplesPerSec, ratio}
  --no-torch        skip the PyTorch reference
  -h, --help        this text`;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    seconds: { type: 'string', default: '5' },
    backends: { type: 'string' },
    json: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`bench: ${message}\n${HELP}\n`);
  process.exit(2);
};

const BATCH = 128;
const nets = (() => {
  try {
    return selectNets(values.only).map((n) => n.name);
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const threadCounts = values.threads.split(',').map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) fail(`--threads '${values.threads}' must list positive integers`);
const seconds = Number(values.seconds);
if (!(seconds > 0)) fail(`--seconds '${values.seconds}' must be a positive number`);

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
  'cpu',
];

const measureScript = fileURLToPath(new URL('./measure.ts', import.meta.url));
const tfjsRows: TfjsRow[] = [];
for (const backend of backends) {
  // tfjs-cpu is single-threaded JS and ~100× slower on CNNs; by default it runs the mlp only.
  const backendNets = backend === 'cpu' && !explicitBackends ? nets.filter((n) => n === 'mlp') : nets;
  const counts = backend === 'wasm' ? threadCounts : [1];
  for (const threads of counts) {
    if (backendNets.length === 0) continue;
    log(`tfjs ${backend}, ${threads} thread(s): ${backendNets.join(', ')}`);
    const run = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', measureScript, '--backend', backend, '--threads', String(threads), '--nets', backendNets.join(','), '--batch', String(BATCH), '--seconds', String(seconds)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (run.status !== 0) {
      log(`tfjs ${backend} failed (exit ${run.status}); continuing`);
      continue;
    }
    for (const line of run.stdout.trim().split('\n').filter(Boolean)) tfjsRows.push(JSON.parse(line) as TfjsRow);
  }
}

let torchVersion: string | undefined;
const torchRows: ReturnType<typeof runTorch> = [];
if (!values['no-torch']) {
  const torch = ensureTorch(log);
  if (torch.ok) {
    torchVersion = torch.version;
    for (const threads of threadCounts) {
      log(`torch ${torch.version}, ${threads} thread(s): ${nets.join(', ')}`);
      torchRows.push(...runTorch(nets, threads, BATCH, seconds));
    }
  } else {
    log(`PyTorch reference skipped: ${torch.reason}`);
  }
}

const rows = joinRows(tfjsRows, torchRows);
console.log(`\nbatch ${BATCH}, Adam 1e-3, random data; torch ${torchVersion ?? 'skipped'}; ratio = tfjs / torch at equal threads\n`);
console.log(formatTable(rows));
if (values.json) {
  writeFileAtomic(values.json, JSON.stringify(rows, null, 2) + '\n');
  log(`wrote ${values.json}`);
}
