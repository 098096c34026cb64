import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { describeAdapter, initBackend, type BackendName } from '@mgdl/backend';
import { mcnn } from '@mgdl/models';
import { createRandom, permutation } from '@mgdl/random';
import { backendOptions, positiveInt } from '../options.js';
import { syntheticGratings, type SyntheticImages } from '../synthetic.js';

interface DemoOptions {
  backend?: BackendName;
  threads?: number;
  epochs: number;
  train: number;
  width: number;
  seed: number;
}

export function demoCommand(): Command {
  return backendOptions(new Command('demo'))
    .description('a short real training run: the five-layer CNN (mcnn) on a synthetic 32×32×3 task; prints backend, samples/s and accuracy')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 3)
    .option('--train <n>', 'training samples', positiveInt('--train'), 4096)
    .option('--width <k>', 'mcnn width k', positiveInt('--width'), 3)
    .option('--seed <n>', 'seed for data, weights and shuffling', positiveInt('--seed'), 1)
    .action(runDemo);
}

async function runDemo(options: DemoOptions): Promise<void> {
  const report = await initBackend({ backend: options.backend, threads: options.threads });
  const detail = report.name === 'wasm' ? ` (${report.threads} thread(s))` : report.adapter ? ` (${describeAdapter(report.adapter)})` : '';
  console.log(`backend ${report.name}${detail}; run \`mgdl backend\` for why`);
  const train = syntheticGratings(options.train, options.seed);
  const test = syntheticGratings(1024, options.seed + 1);
  console.log(`data: synthetic gratings, 10 classes, ${train.count} train / ${test.count} test (32×32×3)`);
  tf.randomUniform([1], 0, 1, 'float32', options.seed).dispose();
  const model = mcnn({ width: options.width });
  const optimizer = tf.train.adam(1e-3);
  const shuffle = createRandom(options.seed);
  const batch = 128;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = permutation(train.count, shuffle);
    const start = performance.now();
    let lossSum = 0;
    let correct = 0;
    for (let from = 0; from < train.count; from += batch) {
      const ids = order.subarray(from, Math.min(from + batch, train.count));
      const [x, y] = gather(train, ids);
      let logits: tf.Tensor | undefined;
      const loss = optimizer.minimize(() => {
        logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, train.classes), logits) as tf.Scalar;
      }, true)!;
      // One asynchronous download per step: a GPU backend (webgpu) has no synchronous read in Node.
      const summary = tf.tidy(() => tf.stack([loss, tf.cast(correctCount(logits!, y), 'float32')]));
      const [batchLoss, batchCorrect] = await summary.data();
      lossSum += batchLoss! * ids.length;
      correct += batchCorrect!;
      tf.dispose([x, y, loss, logits!, summary]);
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `epoch ${epoch}/${options.epochs}  loss ${(lossSum / train.count).toFixed(4)}  train acc ${pct(correct / train.count)}  ` +
        `${(train.count / seconds).toFixed(0)} samples/s`,
    );
  }
  console.log(`test accuracy ${pct(await evaluate(model, test))} (${test.count} held-out samples)`);
}

async function evaluate(model: ReturnType<typeof mcnn>, data: SyntheticImages): Promise<number> {
  let correct = 0;
  for (let from = 0; from < data.count; from += 256) {
    const ids = Int32Array.from({ length: Math.min(256, data.count - from) }, (_, i) => from + i);
    const [x, y] = gather(data, ids);
    const count = tf.tidy(() => correctCount(model.apply(x, { training: false }) as tf.Tensor, y));
    correct += (await count.data())[0]!;
    tf.dispose([x, y, count]);
  }
  return correct / data.count;
}

function gather(data: SyntheticImages, ids: Int32Array): [tf.Tensor4D, tf.Tensor1D] {
  const pixels = data.shape[0] * data.shape[1] * data.shape[2];
  const x = new Float32Array(ids.length * pixels);
  const y = new Int32Array(ids.length);
  ids.forEach((id, i) => {
    x.set(data.x.subarray(id * pixels, (id + 1) * pixels), i * pixels);
    y[i] = data.labels[id]!;
  });
  return [tf.tensor4d(x, [ids.length, ...data.shape]), tf.tensor1d(y, 'int32')];
}

const correctCount = (logits: tf.Tensor, labels: tf.Tensor1D): tf.Tensor => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
