/**
 * npm run bench:flops [-- --threads 1] [--seconds 1] [--torch-python PATH] [--no-torch] [--json FILE]
 *
 * What the kernels the bench nets spend their steps in achieve, in GFLOP/s, against the wasm SIMD128
 * limit of this CPU (a multiply-add loop measured in the same process, times the threads) and
 * against PyTorch on the same products at the same shapes and threads.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@mgdl/backend';
import { writeFileAtomic } from '@mgdl/io';
import { commandLine, positiveInteger, positiveNumber } from '../command-line.js';
import { referencesFromFlags, TORCH_OPTIONS, type TorchReference } from '../torch.js';
import { markdownTable } from '../markdown.js';
import { flopsKernels, timeKernel, type FlopsMode } from './kernels.js';
import { simdPeakGflops } from './simd-peak.js';

const HELP = `Usage: npm run bench:flops -- [options]
  --threads N          wasm (and torch) threads (default: 1); "mgdl CPU / wall" shows how many were busy
  --seconds N          timed seconds per kernel and mode (default: 1)
  --torch-python PATH  the python whose torch is the reference (default: as npm run bench chooses)
  --no-torch-venv      do not create the bench's PyTorch venv
  --no-torch           skip the PyTorch reference
  --json FILE          also write {simdPeakGflops, threads, torch, rows: [{kernel, where, mode, gflops, shareOfLimit, cpuPerWall, torchGflops, ratio}]}
  -h, --help           this text`;

const cli = commandLine('bench:flops', HELP, {
  threads: { type: 'string', default: '1' },
  seconds: { type: 'string', default: '1' },
  ...TORCH_OPTIONS,
  json: { type: 'string' },
});
const { values, fail } = cli;
const threads = cli.value('threads', positiveInteger);
const seconds = cli.value('seconds', positiveNumber);
const log = (line: string): void => void process.stderr.write(`[bench:flops] ${line}\n`);

const reference: TorchReference | undefined = referencesFromFlags(values, log, fail)[0];

const loadAtStart = loadavg()[0]!;
log('wasm SIMD128 multiply-add limit, one thread');
const peak = await simdPeakGflops();
const limit = peak * threads;
await initBackend({ backend: 'wasm', threads });
const modes: FlopsMode[] = ['forward', 'train'];
const mgdl = flopsKernels.flatMap((kernel) =>
  modes.map((mode) => {
    log(`mgdl wasm ${threads} thread(s): ${kernel.name} ${mode}`);
    return { kernel, mode, ...timeKernel(kernel, mode, seconds) };
  }),
);

function torchSeconds(ref: TorchReference): Map<string, number> {
  log(`torch ${ref.version} ${threads} thread(s): every kernel`);
  const script = fileURLToPath(new URL('../../python/kernel_flops.py', import.meta.url));
  const run = spawnSync(ref.python, [script], { input: JSON.stringify({ threads, seconds, modes, kernels: flopsKernels }), encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`kernel_flops.py under ${ref.python} (torch ${ref.version}) exited with ${run.status}`);
  const rows = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; mode: string; seconds: number });
  return new Map(rows.map((r) => [`${r.name}/${r.mode}`, r.seconds]));
}
const torch = reference ? torchSeconds(reference) : undefined;
const loadAtEnd = loadavg()[0]!;

const flopsOf = (forward: number, mode: FlopsMode) => (mode === 'train' ? 3 * forward : forward);
const rows = mgdl.map(({ kernel, mode, seconds: s, cpuPerWall }) => {
  const gflops = flopsOf(kernel.flops, mode) / s / 1e9;
  const t = torch?.get(`${kernel.name}/${mode}`);
  const torchGflops = t === undefined ? null : flopsOf(kernel.flops, mode) / t / 1e9;
  return { kernel: kernel.name, where: kernel.where, mode, gflops, shareOfLimit: gflops / limit, cpuPerWall, torchGflops, ratio: torchGflops === null ? null : gflops / torchGflops };
});

const torchName = reference ? `torch ${reference.version}` : 'torch';
const header = ['kernel', 'where', 'mode', 'mgdl GFLOP/s', 'of the SIMD limit', 'mgdl CPU / wall', `${torchName} GFLOP/s`, 'mgdl / torch'];
const body = rows.map((r) => [r.kernel, r.where, r.mode, r.gflops.toFixed(1), `${(100 * r.shareOfLimit).toFixed(0)}%`, r.cpuPerWall.toFixed(2), r.torchGflops?.toFixed(1) ?? '—', r.ratio?.toFixed(2) ?? '—']);
console.log(
  `\nwasm SIMD128 multiply-add limit: ${peak.toFixed(1)} GFLOP/s per thread, ${limit.toFixed(1)} at ${threads} thread(s); train = forward and both gradients (3× the forward flops); median seconds per call; load average (1 min) ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} on ${availableParallelism()} cores\n`,
);
console.log(markdownTable(header, body));
if (values.json) {
  writeFileAtomic(values.json, JSON.stringify({ simdPeakGflops: peak, threads, torch: reference?.version ?? null, loadAverage: { start: loadAtStart, end: loadAtEnd }, rows }, null, 2) + '\n');
  log(`wrote ${values.json}`);
}
// The threaded wasm build's pthreads keep the event loop alive once used.
process.exit(0);
