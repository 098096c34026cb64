/**
 * Ops and time per training step through mgdl's kernel, as a cell trains (Adam, per-sample arrays
 * downloaded every batch for a plugin), on random data (regression-mlp: random targets, mse):
 *   node --conditions=source --import tsx tools/bench/src/step-profile.ts --nets fcnn4,mcnn3 --threads 1 --steps 40
 * kernels/step counts tfjs kernel calls and outputs/step the tensors they allocate, `top` the most
 * called kernels and `slowest` the kernels taking most ms per step (tf.profile);
 * ms/step is wall time and cpuMs/step this process's CPU time (steadier on a shared machine), medians of the rounds.
 * --unfused: an A/B in the same process — every round also runs with mgdl's fused step kernels
 * (dense layer, softmax cross-entropy, mean squared error, per-sample statistics) unregistered, alternating, and the
 * line gets an `unfused` object with the same measures (tfjs's ops run those parts instead).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CLASSIFICATION_STATS, DENSE, DENSE_GRAD, initBackend, MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD } from '@mgdl/backend';
import { Batcher, type Dataset } from '@mgdl/datasets';
import { train, type KernelPlugin } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { createRandom } from '@mgdl/random';
import { commandLine, positiveInteger } from './command-line.js';
import { benchNets, type BenchNet } from './nets.js';

/** The cic-width cell's net (FCNN w = 4 on MNIST), besides the bench nets. */
const cellNet: BenchNet = { name: 'fcnn4', build: () => buildModel('fcnn', { width: 4, inputShape: [28, 28, 1] }), inputShape: [28, 28, 1], loss: 'softmax', outputs: 10 };
const byName = new Map([...benchNets, cellNet].map((n) => [n.name, n]));

const HELP = `Usage: node --conditions=source --import tsx tools/bench/src/step-profile.ts [options]
  --nets LIST   comma-separated nets (default: fcnn4): ${[...byName.keys()].join(', ')}
  --threads N   wasm threads (default: 1)
  --steps N     training steps (batches of 128) per round (default: 40)
  --rounds N    timed rounds; ms/step and cpuMs/step are their medians (default: 3)
  --unfused     also run every round with mgdl's fused step kernels unregistered, alternating (default: off)
  -h, --help    this text`;
const cli = commandLine('step-profile', HELP, { nets: { type: 'string', default: 'fcnn4' }, threads: { type: 'string', default: '1' }, steps: { type: 'string', default: '40' }, rounds: { type: 'string', default: '3' }, unfused: { type: 'boolean', default: false } });
const nets = cli.values.nets.split(',').map((name) => byName.get(name.trim()) ?? cli.fail(`--nets: unknown net '${name}'; known: ${[...byName.keys()].join(', ')}`));
const steps = cli.value('steps', positiveInteger);
const rounds = cli.value('rounds', positiveInteger);
const backend = await initBackend({ backend: 'wasm', threads: cli.value('threads', positiveInteger) });

function randomData(net: BenchNet, n: number): Dataset {
  const random = createRandom(1);
  const size = net.inputShape.reduce((a, b) => a * b, 1);
  const common = { name: 'random', split: 'train' as const, sources: [], ids: Int32Array.from({ length: n }, (_, i) => i), classNames: Array.from({ length: net.outputs }, (_, c) => String(c)), labels: Int32Array.from({ length: n }, () => Math.floor(random() * net.outputs)) };
  if (net.loss === 'mse') {
    const floats = (count: number) => Float32Array.from({ length: count }, () => random() * 2 - 1);
    return { ...common, kind: 'table', sampleShape: net.inputShape, classNames: [], labels: new Int32Array(n), x: floats(n * size), targets: floats(n * net.outputs), targetSize: net.outputs };
  }
  if (net.vocabSize) return { ...common, kind: 'text', sampleShape: net.inputShape, x: Int32Array.from({ length: n * size }, () => Math.floor(random() * net.vocabSize!)) } as unknown as Dataset;
  return { ...common, kind: 'image', sampleShape: net.inputShape, x: Uint8Array.from({ length: n * size }, () => Math.floor(random() * 256)) };
}

/** Consumes the per-sample arrays each batch, as a cell's forgetting statistics do. */
const perSampleConsumer: KernelPlugin = { name: 'per-sample', perSample: true, onBatchEnd: () => undefined };

for (const net of nets) {
  const data = new Batcher(randomData(net, 128 * steps), { batchSize: 128, seed: 0 });
  const model = net.build();
  const run = () => train({ model, data, epochs: 1, learningRate: 1e-3, loss: net.loss === 'mse' ? 'mse' : 'softmax-cross-entropy', plugins: [perSampleConsumer], progress: false });
  await run();
  const variants = cli.values.unfused ? [measure(), measure()] : [measure()];
  for (let round = 0; round < rounds; round++) {
    await variants[0]!.round(run);
    if (variants[1]) await withoutFusedKernels(() => variants[1]!.round(run));
  }
  const fused = await variants[0]!.profile(run);
  const unfused = variants[1] && (await withoutFusedKernels(() => variants[1]!.profile(run)));
  console.log(JSON.stringify({ net: net.name, threads: backend.threads, ...fused, ...(unfused ? { unfused } : {}) }));
  model.dispose();
}
process.exit(0);

/** Wall and CPU ms per step over rounds, then one profiled run: kernel calls, outputs, top and slowest kernels per step. */
function measure() {
  const [wall, cpu]: [number[], number[]] = [[], []];
  const cpuMs = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  const median = (xs: number[]) => Number([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2));
  return {
    async round(run: () => Promise<unknown>) {
      const [start, cpuStart] = [performance.now(), cpuMs()];
      await run();
      wall.push((performance.now() - start) / steps);
      cpu.push((cpuMs() - cpuStart) / steps);
    },
    async profile(run: () => Promise<unknown>) {
      const info = await tf.profile(async () => void (await run()));
      const [counts, times] = [new Map<string, number>(), new Map<string, number>()];
      for (const k of info.kernels) {
        counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
        times.set(k.name, (times.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
      }
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, c]) => `${k} ${(c / steps).toFixed(1)}`);
      // Per kernel, ms per step; nested kernels (an op's inner kernels) count in both, as tf.profile reports them.
      const slowest = [...times].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, ms]) => `${k} ${(ms / steps).toFixed(2)}`);
      const outputs = info.kernels.reduce((n, k) => n + k.outputShapes.length, 0);
      return { msPerStep: median(wall), cpuMsPerStep: median(cpu), kernelsPerStep: info.kernels.length / steps, outputsPerStep: outputs / steps, top, slowest };
    },
  };
}

/** Runs `body` with mgdl's fused step kernels unregistered from the current backend (tfjs's ops then run those parts). */
async function withoutFusedKernels<T>(body: () => Promise<T>): Promise<T> {
  const names = [DENSE, DENSE_GRAD, SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD, MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD, CLASSIFICATION_STATS];
  const configs = names.map((name) => tf.getKernel(name, tf.getBackend())).filter((config) => config !== undefined);
  for (const config of configs) tf.unregisterKernel(config.kernelName, config.backendName);
  try {
    return await body();
  } finally {
    for (const config of configs) tf.registerKernel(config);
  }
}
