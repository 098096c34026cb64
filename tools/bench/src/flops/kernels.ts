import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers every op's gradient (MatMul's, Conv2D's) when it loads.
import '@tensorflow/tfjs-layers';

/**
 * The dense and convolution kernels the bench nets spend their steps in, at the shapes they run
 * (batch 128). `shapes` are tfjs's (NHWC); the PyTorch script builds the same products in its own
 * layout. "train" is one forward product and both gradients (input and weights), 3× the forward flops.
 */
export interface FlopsKernel {
  name: string;
  /** Which net runs it, and where. */
  where: string;
  op: 'matmul' | 'conv2d';
  /** matmul: [m, k] × [k, n]; conv2d: x [n, h, w, c] and filter [kh, kw, c, f]. */
  a: number[];
  b: number[];
  padding: 'valid' | 'same';
  /** Forward flops (2 per multiply-add). */
  flops: number;
}

const matmul = (name: string, where: string, m: number, k: number, n: number): FlopsKernel => ({ name, where, op: 'matmul', a: [m, k], b: [k, n], padding: 'valid', flops: 2 * m * k * n });

function conv(name: string, where: string, x: number[], filter: number[], padding: 'valid' | 'same'): FlopsKernel {
  const [n, h, w] = x as [number, number, number, number];
  const [kh, kw, c, f] = filter as [number, number, number, number];
  const [oh, ow] = padding === 'same' ? [h, w] : [h - kh + 1, w - kw + 1];
  return { name, where, op: 'conv2d', a: x, b: filter, padding, flops: 2 * n * oh * ow * f * kh * kw * c };
}

export const flopsKernels: readonly FlopsKernel[] = [
  matmul('dense 784→64', 'fcnn4 (cic-width) hidden layer', 128, 784, 64),
  matmul('dense 784→512', 'mlp hidden layer', 128, 784, 512),
  matmul('matmul 1024³', 'no net: the GEMM ceiling', 1024, 1024, 1024),
  conv('conv 3×3 32→64', 'cnn4 second conv, 26×26 valid', [128, 26, 26, 32], [3, 3, 32, 64], 'valid'),
  conv('conv 3×3 20→40', 'mcnn10 third conv, 16×16 same', [128, 16, 16, 20], [3, 3, 20, 40], 'same'),
  conv('conv 5×300→100', 'textcnn height-5 conv over 40 tokens', [128, 1, 40, 300], [1, 5, 300, 100], 'valid'),
];

const random = (shape: number[]) => tf.randomNormal(shape, 0, 0.1, 'float32', 1);

export type FlopsMode = 'forward' | 'train';

export interface KernelTiming {
  /** Median wall seconds per call. */
  seconds: number;
  /** This process's CPU time over the wall time of the timed calls: how many threads were busy (spinning counts). */
  cpuPerWall: number;
}

/** Times the kernel as `mode` runs it: the calls made in about `seconds`, after a warm-up call. */
export function timeKernel(kernel: FlopsKernel, mode: FlopsMode, seconds: number): KernelTiming {
  const [a, b] = [random(kernel.a), random(kernel.b)];
  const forward = kernel.op === 'matmul' ? (x: tf.Tensor, w: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) : (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, kernel.padding);
  const gradients = tf.grads(forward);
  // Reading one value back waits for the kernel on every backend.
  const call = () => tf.tidy(() => (mode === 'forward' ? [forward(a, b)] : gradients([a, b])).map((t) => tf.slice(tf.reshape(t, [-1]), 0, 1).dataSync()[0]));
  call();
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < seconds * 1000 && times.length < 1000)) {
    const t = performance.now();
    call();
    times.push((performance.now() - t) / 1000);
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  tf.dispose([a, b]);
  return { seconds: median(times), cpuPerWall: (cpu.user + cpu.system) / 1e6 / wall };
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
