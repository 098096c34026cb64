/**
 * npm run bench:forgetting [-- --samples 1000000 --steps 200]
 *
 * Analysis speed and memory of @mgdl/forgetting on a synthetic history (each sample correct with
 * its own probability at each step, so events are dense), and the per-batch recording cost of the
 * plugin against a training step of mcnn k=3 (batch 128, wasm, 1 thread) measured in this process.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { History, analyze } from '@mgdl/forgetting';
import { adam, softmaxCrossEntropy } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { createRandom } from '@mgdl/random';
import { commandLine, positiveInteger } from './command-line.js';

const HELP = `Usage: npm run bench:forgetting -- [options]
  --samples N   samples in the synthetic history (default: 1000000)
  --steps N     recorded steps per sample (default: 200)
  -h, --help    this text`;
const cli = commandLine('bench:forgetting', HELP, { samples: { type: 'string', default: '1000000' }, steps: { type: 'string', default: '200' } });
const [n, steps] = [cli.value('samples', positiveInteger), cli.value('steps', positiveInteger)];

const random = createRandom(0x12345678);
const ids = Int32Array.from({ length: n }, (_, i) => i);
const skill = Float32Array.from({ length: n }, () => random());
const history = new History({ ids, series: 'inference-pass' });
const correct = new Uint8Array(n);
for (let t = 0; t < steps; t++) {
  const p = Math.min(1, 0.2 + (0.8 * t) / steps);
  for (let i = 0; i < n; i++) correct[i] = random() < skill[i]! * p + 0.1 ? 1 : 0;
  history.record(t, ids, correct);
}
const inputBytes = history.words().byteLength + history.observedWords().byteLength;

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const times: number[] = [];
let extra = 0;
let result;
for (let round = 0; round < 3; round++) {
  globalThis.gc?.();
  const before = memory();
  const start = performance.now();
  result = analyze(history);
  times.push(performance.now() - start);
  extra = Math.max(extra, memory() - before);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`history: ${n} samples × ${steps} steps, ${mb(inputBytes)} MB bit-packed; ${result!.forgettingEvents} forgetting events, S3 = ${result!.sets.S3}`);
console.log(`analyze (events, S1/S2/S3, system M/F): median ${median(times).toFixed(0)} ms of 3; memory above the input ≈ ${mb(extra)} MB`);

const groups = Array.from({ length: Math.ceil(n / 128) }, (_, g) => ids.subarray(g * 128, (g + 1) * 128));
const startMeso = performance.now();
analyze(history, { groups });
console.log(`analyze with ${groups.length} meso groups of 128: ${(performance.now() - startMeso).toFixed(0)} ms`);

// Per-batch recording cost against one training step.
const batchIds = Int32Array.from({ length: 128 }, () => Math.floor(random() * 50000));
const batchCorrect = Uint8Array.from({ length: 128 }, () => (random() < 0.5 ? 1 : 0));
const small = new History({ ids: Int32Array.from({ length: 50000 }, (_, i) => i), series: 'presentation' });
const calls = 20000;
const startRecord = performance.now();
for (let k = 0; k < calls; k++) small.record(Math.floor(k / 400), batchIds, batchCorrect);
const recordMs = (performance.now() - startRecord) / calls;

await initBackend({ backend: 'wasm', threads: 1 });
const model = buildModel('mcnn', { width: 3 });
const optimizer = adam();
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const x = tf.randomNormal([128, 32, 32, 3]);
const y = tf.randomUniform([128], 0, 10, 'int32');
const step = async () => {
  const { value, grads } = tf.variableGrads(() => tf.mean(softmaxCrossEntropy.perSample(model.apply(x, { training: true }) as tf.Tensor, y)) as tf.Scalar, variables);
  optimizer.apply(variables, variables.map((v) => grads[v.name]!), 1e-3);
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
};
for (let i = 0; i < 3; i++) await step();
const startStep = performance.now();
for (let i = 0; i < 20; i++) await step();
const stepMs = (performance.now() - startStep) / 20;
console.log(`per-batch recording: ${(recordMs * 1000).toFixed(2)} µs per batch of 128 vs ${stepMs.toFixed(1)} ms per mcnn k=3 training step (${((100 * recordMs) / stepMs).toFixed(4)}%)`);
process.exit(0);
