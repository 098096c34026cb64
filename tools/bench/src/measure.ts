/**
 * One (backend, threads) measurement per process: tfjs backends are process-global and the wasm
 * thread pool is fixed when the backend starts. Prints one JSON line per net on stdout.
 *   measure.ts --backend wasm --threads 2 --nets mlp,mcnn3 --batch 128 --seconds 5
 * Backend `wasm` runs mgdl's wasm kernels only; `wasm+native` adds oneDNN's (and fails without it);
 * `webgpu` runs on the adapter Dawn finds (a software one too: pass it in --backends to measure it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { initBackend, type BackendName } from '@mgdl/backend';
import { adam, meanSquaredError, softmaxCrossEntropy } from '@mgdl/kernel';
import { NATIVE_BENCH_BACKEND, selectNets } from './nets.js';

const LEARNING_RATE = 1e-3;

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    threads: { type: 'string', default: '1' },
    nets: { type: 'string' },
    batch: { type: 'string', default: '128' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
  },
});

const native = values.backend === NATIVE_BENCH_BACKEND;
const report = await initBackend({
  backend: (native ? 'wasm' : values.backend) as BackendName,
  threads: Number(values.threads),
  ...(values.backend?.startsWith('wasm') ? { native } : {}),
});
const batch = Number(values.batch);
for (const net of selectNets(values.nets)) {
  const model = net.build();
  // mgdl's own optimizer and losses, as its training kernel (train) runs them: the fused Adam update
  // and the fused softmax cross-entropy where the backend has them, tfjs ops elsewhere.
  const optimizer = adam();
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = net.vocabSize
    ? tf.randomUniformInt([batch, ...net.inputShape], 0, net.vocabSize, 1)
    : tf.randomNormal([batch, ...net.inputShape], 0, 1, 'float32', 1);
  const y = net.loss === 'mse' ? tf.randomNormal([batch, net.outputs], 0, 1, 'float32', 2) : (tf.randomUniform([batch], 0, net.outputs, 'int32', 2) as tf.Tensor1D);
  const loss = net.loss === 'mse' ? meanSquaredError : softmaxCrossEntropy;
  // An asynchronous read: webgpu has no synchronous one in Node (on wasm and cpu it costs the same).
  const step = async (): Promise<void> => {
    const { value, grads } = tf.variableGrads(() => tf.mean(loss.perSample(model.apply(x, { training: true }) as tf.Tensor, y)) as tf.Scalar, variables);
    optimizer.apply(variables, variables.map((v) => grads[v.name]!), LEARNING_RATE);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  for (let i = 0; i < Number(values.warmup); i++) await step();
  const budget = Number(values.seconds) * 1000;
  const start = performance.now();
  let steps = 0;
  while (steps < 3 || performance.now() - start < budget) {
    await step();
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(
    JSON.stringify({ net: net.name, backend: native ? NATIVE_BENCH_BACKEND : report.name, threads: report.threads || 1, samplesPerSec: (steps * batch) / seconds, steps }),
  );
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}
process.exit(0);
