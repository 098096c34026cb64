import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, mlp } from '@mgdl/models';

/** The bench's name for the wasm backend with oneDNN's kernels (`wasm` alone: mgdl's wasm kernels only). */
export const NATIVE_BENCH_BACKEND = 'wasm+native';

/** A benchmark net: the same architecture as the PyTorch reference of the same name. */
export interface BenchNet {
  name: string;
  build: () => tfl.LayersModel;
  /** Per-sample input shape in tfjs (NHWC) layout. */
  inputShape: number[];
  /** Token ids below this bound instead of Gaussian floats. */
  vocabSize?: number;
  /** Softmax cross-entropy over classes, or mean squared error over regression outputs. */
  loss: 'softmax' | 'mse';
  outputs: number;
}

const classifier = (name: string, inputShape: number[], build: () => tfl.LayersModel, outputs = 10): BenchNet => ({
  name,
  build,
  inputShape,
  loss: 'softmax',
  outputs,
});

export const benchNets: readonly BenchNet[] = [
  classifier('mlp', [784], () => mlp({ inputSize: 784, hidden: [512], classes: 10 })),
  classifier('fcnn10', [784], () => buildModel('fcnn', { width: 10 })),
  classifier('cnn4', [28, 28, 1], () => buildModel('cnn4')),
  classifier('mcnn3', [32, 32, 3], () => buildModel('mcnn', { width: 3 })),
  classifier('mcnn10', [32, 32, 3], () => buildModel('mcnn', { width: 10 })),
  { ...classifier('textcnn', [40], () => buildModel('textcnn'), 6), vocabSize: 8680 },
  classifier('toneva-mnist', [28, 28, 1], () => buildModel('toneva-mnist')),
  { name: 'regression-mlp', build: () => buildModel('regression-mlp'), inputShape: [4], loss: 'mse', outputs: 1 },
];

/** The nets a comma-separated list names (all when undefined); an unknown one throws, naming `flag`. */
export function selectNets(only: string | undefined, flag = '--only'): BenchNet[] {
  if (!only) return [...benchNets];
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !benchNets.some((net) => net.name === n));
  if (unknown.length > 0) {
    throw new Error(`${flag}: unknown net(s) ${unknown.join(', ')}; known: ${benchNets.map((n) => n.name).join(', ')}`);
  }
  return benchNets.filter((net) => names.includes(net.name));
}
