/**
 * One (backend, threads) measurement per process: tfjs backends are process-global and the wasm
 * thread pool is fixed when the backend starts. Prints one JSON line per net on stdout.
 *   measure.ts --backend wasm --threads 2 --nets mlp,mcnn3 --batch 128 --seconds 5
 * Backend `wasm` runs mgdl's wasm kernels only; `wasm+native` adds oneDNN's (and fails without it);
 * `webgpu` runs on the adapter Dawn finds (a software one too: pass it in --backends to measure it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendNames, initBackend, type BackendName } from '@mgdl/backend';
import { adam, meanSquaredError, softmaxCrossEntropy } from '@mgdl/kernel';
import { commandLine, nonNegativeInteger, positiveInteger, positiveNumber } from './command-line.js';
import { benchNets, NATIVE_BENCH_BACKEND, selectNets } from './nets.js';

const LEARNING_RATE = 1e-3;

const BACKENDS = [...backendNames, NATIVE_BENCH_BACKEND];
const HELP = `Usage: node --conditions=source --import tsx tools/bench/src/measure.ts [options]
  --backend NAME  ${BACKENDS.join(', ')} (default: env MGDL_BACKEND, else the first that loads)
  --threads N     wasm threads (default: 1)
  --nets LIST     comma-separated nets (default: all): ${benchNets.map((n) => n.name).join(', ')}
  --batch N       samples per step (default: 128)
  --seconds S     timed seconds per net, at least 3 steps (default: 5)
  --warmup N      untimed steps before timing (default: 2)
  -h, --help      this text`;
const cli = commandLine('measure', HELP, {
  backend: { type: 'string' },
  threads: { type: 'string', default: '1' },
  nets: { type: 'string' },
  batch: { type: 'string', default: '128' },
  seconds: { type: 'string', default: '5' },
  warmup: { type: 'string', default: '2' },
});
const { backend } = cli.values;
if (backend !== undefined && !BACKENDS.includes(backend)) cli.fail(`--backend '${backend}' must be one of ${BACKENDS.join(', ')}`);
const nets = (() => {
  try {
    return selectNets(cli.values.nets, '--nets');
  } catch (error) {
    return cli.fail((error as Error).message);
  }
})();
const [threads, batch, warmup] = [cli.value('threads', positiveInteger), cli.value('batch', positiveInteger), cli.value('warmup', nonNegativeInteger)];
const budget = cli.value('seconds', positiveNumber) * 1000;

const native = backend === NATIVE_BENCH_BACKEND;
const report = await initBackend({
  backend: (native ? 'wasm' : backend) as BackendName,
  threads,
  ...(backend?.startsWith('wasm') ? { native } : {}),
});
for (const net of nets) {
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
  for (let i = 0; i < warmup; i++) await step();
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
