/**
 * npm run bench:per-sample [-- --members 10 --epochs 5 --samples 10000]
 *
 * The per-batch cost of a cic-width cell's per-sample plugins (forgetting statistics, AUM, data
 * maps, EL2N's running mean, last loss and the run writer's per-sample histograms) for each member
 * of a seed ensemble, against the training step of that member's model (fcnn w = 4, batch 128,
 * wasm, 1 thread) measured in this process. The samples are `--samples` of MNIST's 60,000 indices,
 * shuffled every epoch, as cic-width presents them. Each batch's plugins run right after a real
 * training step, so they find the caches as training leaves them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { aum, dataMaps, el2n, forgettingStatistics, lastLoss } from '@mgdl/forgetting';
import { adam, softmaxCrossEntropy, type KernelPlugin, type RunControl, type RunInfo } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { createRandom, permutation } from '@mgdl/random';
import { runWriter } from '@mgdl/report';
import { commandLine, positiveInteger } from './command-line.js';

const HELP = `Usage: npm run bench:per-sample -- [options]
  --members N   ensemble members, each with its own plugins (default: 10)
  --epochs N    epochs (default: 5)
  --samples N   training samples, drawn from 60,000 ids (default: 10000)
  -h, --help    this text`;
const cli = commandLine('bench:per-sample', HELP, { members: { type: 'string', default: '10' }, epochs: { type: 'string', default: '5' }, samples: { type: 'string', default: '10000' } });
const [members, epochs, samples] = [cli.value('members', positiveInteger), cli.value('epochs', positiveInteger), cli.value('samples', positiveInteger)];
if (samples > 60_000) cli.fail(`--samples '${samples}' must be at most 60000 (the ids are MNIST's training split)`);
const BATCH = 128;
const control: RunControl = { stop: () => undefined };

await initBackend({ backend: 'wasm', threads: 1 });
const model = buildModel('fcnn', { width: 4 });
const optimizer = adam();
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const x = tf.randomNormal([BATCH, 784]);
const y = tf.randomUniform([BATCH], 0, 10, 'int32');
const step = async () => {
  const { value, grads } = tf.variableGrads(() => tf.mean(softmaxCrossEntropy.perSample(model.apply(x, { training: true }) as tf.Tensor, y)) as tf.Scalar, variables);
  optimizer.apply(variables, variables.map((v) => grads[v.name]!), 1e-3);
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
};

const ids = Int32Array.from(permutation(60_000, 1).subarray(0, samples));
const dir = mkdtempSync(join(tmpdir(), 'mgdl-bench-per-sample-'));
const info: RunInfo = { model, epochs, batchesPerEpoch: Math.ceil(samples / BATCH), startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false };
const plugins: KernelPlugin[][] = Array.from({ length: members }, (_, m) => {
  const stats = forgettingStatistics({ ids });
  const writer = runWriter({ dir: join(dir, `member-${m}`), config: {}, forgetting: () => stats.history('presentation') });
  void writer.onRunStart!(info, control);
  const early = Array.from({ length: epochs }, (_, e) => e + 1);
  return [stats, aum({ source: 'presentation' }), dataMaps({ source: 'presentation' }), el2n({ source: 'presentation', epochs: early, keep: 'mean' }), lastLoss({ source: 'presentation' }), writer];
});

const random = createRandom(2);
const values = (n: number) => Float32Array.from({ length: n }, () => random());
for (let i = 0; i < 3; i++) await step();
let stepMs = 0;
let pluginMs = 0;
let batches = 0;
for (let epoch = 0; epoch < epochs; epoch++) {
  const order = permutation(samples, 10 + epoch);
  for (let start = 0, b = 0; start < samples; start += BATCH, b++) {
    const batchIds = Int32Array.from(order.subarray(start, start + BATCH), (k) => ids[k]!);
    const n = batchIds.length;
    for (const memberPlugins of plugins) {
      // What the kernel hands a member's plugins: fresh per-sample arrays every batch.
      const event = { ids: batchIds, epoch, step: epoch * info.batchesPerEpoch + b + 1, batchIndex: b, meanLoss: 1, terms: {}, learningRate: 1e-3, correct: Uint8Array.from(values(n), (v) => (v < 0.5 ? 1 : 0)), loss: values(n), margin: values(n), pGold: values(n), el2n: values(n) };
      const beforeStep = performance.now();
      await step();
      const beforePlugins = performance.now();
      for (const plugin of memberPlugins) void plugin.onBatchEnd!(event, control);
      pluginMs += performance.now() - beforePlugins;
      stepMs += beforePlugins - beforeStep;
      batches++;
    }
  }
  for (const memberPlugins of plugins) for (const plugin of memberPlugins) void plugin.onEpochEnd?.({ epoch, step: (epoch + 1) * info.batchesPerEpoch, train: { loss: 1, samples, samplesPerSec: 1, seconds: 1 }, terms: {}, learningRate: 1e-3 }, control);
}
rmSync(dir, { recursive: true, force: true });
console.log(`${members} members × ${epochs} epochs × ${info.batchesPerEpoch} batches of ${BATCH} (${samples} of 60,000 ids)`);
console.log(`per-sample plugins: ${((1000 * pluginMs) / batches).toFixed(0)} µs per member-batch vs ${((1000 * stepMs) / batches).toFixed(0)} µs per fcnn w=4 training step (${((100 * pluginMs) / stepMs).toFixed(1)}% of the step)`);
process.exit(0);
