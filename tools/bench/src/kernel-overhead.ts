/**
 * npm run bench:kernel [-- --steps 40 --rounds 5 --threads 1]
 *
 * The cost of the mgdl kernel over a bare tfjs loop doing the same math (forward, mean softmax
 * cross-entropy, gradients, the same Adam, one scalar download per step), and the extra cost of a
 * plugin that consumes per-sample correctness, loss and margin every batch. mcnn k=3 on 32×32×3
 * batches of 128. Rounds alternate the three variants so machine noise hits all of them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { Batcher, type Dataset } from '@mgdl/datasets';
import { adam, softmaxCrossEntropy, train, type KernelPlugin, type TrainingData } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { createRandom } from '@mgdl/random';
import { commandLine, positiveInteger } from './command-line.js';

const HELP = `Usage: npm run bench:kernel -- [options]
  --steps N     training steps (batches of 128) per measurement (default: 40)
  --rounds N    rounds, each timing the bare loop, the kernel and the kernel with a per-sample plugin; the medians count (default: 5)
  --threads N   wasm threads (default: 1)
  -h, --help    this text`;
const cli = commandLine('bench:kernel', HELP, { steps: { type: 'string', default: '40' }, rounds: { type: 'string', default: '5' }, threads: { type: 'string', default: '1' } });
const steps = cli.value('steps', positiveInteger);
const rounds = cli.value('rounds', positiveInteger);
const threads = cli.value('threads', positiveInteger);
await initBackend({ backend: 'wasm', threads });

function randomImages(n: number): Dataset {
  const random = createRandom(1);
  return {
    name: 'random', split: 'train', kind: 'image', sampleShape: [32, 32, 3], sources: [],
    x: Uint8Array.from({ length: n * 3072 }, () => Math.floor(random() * 256)),
    labels: Int32Array.from({ length: n }, () => Math.floor(random() * 10)),
    ids: Int32Array.from({ length: n }, (_, i) => i),
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
  };
}
const data: TrainingData = new Batcher(randomImages(128 * steps), { batchSize: 128, seed: 0 });

async function bare(): Promise<number> {
  const model = buildModel('mcnn', { width: 3 });
  const optimizer = adam();
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const start = performance.now();
  for (const batch of data.epoch(0)) {
    const { value, grads } = tf.variableGrads(() => tf.mean(softmaxCrossEntropy.perSample(model.apply(batch.x, { training: true }) as tf.Tensor, batch.y)) as tf.Scalar, variables);
    optimizer.apply(variables, variables.map((v) => grads[v.name]!), 1e-3);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  }
  const ms = (performance.now() - start) / steps;
  optimizer.dispose();
  model.dispose();
  return ms;
}

async function kernel(plugins: KernelPlugin[]): Promise<number> {
  const model = buildModel('mcnn', { width: 3 });
  const result = await train({ model, data, epochs: 1, learningRate: 1e-3, plugins, progress: false });
  model.dispose();
  return (result.seconds * 1000) / steps;
}

let correct = 0;
const perSampleConsumer: KernelPlugin = { name: 'per-sample', perSample: true, onBatchEnd: (e) => void e.correct!.forEach((c) => (correct += c)) };
const times = { bare: [] as number[], kernel: [] as number[], perSample: [] as number[] };
await bare(); // warm-up: kernel compilation, allocator
for (let round = 0; round < rounds; round++) {
  times.bare.push(await bare());
  times.kernel.push(await kernel([]));
  times.perSample.push(await kernel([perSampleConsumer]));
  process.stderr.write(`[bench:kernel] round ${round + 1}/${rounds}: bare ${times.bare.at(-1)!.toFixed(1)} ms/step, kernel ${times.kernel.at(-1)!.toFixed(1)}, + per-sample plugin ${times.perSample.at(-1)!.toFixed(1)}\n`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [b, k, p] = [median(times.bare), median(times.kernel), median(times.perSample)];
console.log(`mcnn k=3, batch 128, ${steps} steps × ${rounds} rounds, wasm ${threads} thread(s); median ms/step`);
console.log(`bare tfjs loop              ${b.toFixed(2)} ms`);
console.log(`mgdl kernel                 ${k.toFixed(2)} ms  (${((k / b - 1) * 100).toFixed(1)}% over bare)`);
console.log(`kernel + per-sample plugin  ${p.toFixed(2)} ms  (${((p / k - 1) * 100).toFixed(1)}% over kernel)`);
process.exit(0);
