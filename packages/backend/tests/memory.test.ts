import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from '../src/index.js';
import { convCase, type ConvCase } from './conv-cases.js';
import { explicitPad, expectNoLeak, Random, setupBackends, sizeOf } from './support.js';

beforeAll(setupBackends);

const rng = new Random(0x3e3);
const rand = (shape: number[]): tf.Tensor => tf.tensor(rng.floats(sizeOf(shape)), shape);

const convs: [string, ConvCase][] = [
  ['stride 2, valid, unused input rows (cropped)', convCase([2, 6, 6, 2], [3, 3, 2, 3], [2, 2], 'valid')],
  ['stride 1, same', convCase([1, 5, 4, 3], [3, 2, 3, 2], [1, 1], 'same')],
  ['stride [1,2], explicit pad', convCase([2, 5, 6, 1], [2, 3, 1, 2], [1, 2], explicitPad(1, 2, 0, 1))],
  [
    'pad wider than the filter (shipped fallback)',
    convCase([1, 4, 4, 1], [2, 2, 1, 1], [1, 1], explicitPad(3, 3, 2, 0)),
  ],
  ['dilation 2', convCase([1, 7, 7, 2], [3, 3, 2, 2], [1, 1], 'same', [2, 2])],
];

/** Both backprop kernels of one conv family, on one geometry. */
function backpropKernelsLeakNothing(filterKernel: string, inputKernel: string, c: ConvCase, attrs: tf.NamedAttrMap): void {
  it(filterKernel, () =>
    expectNoLeak(
      'wasm',
      () => [rand(c.xShape), rand(c.dyShape)],
      ([x, dy]) => tf.engine().runKernel(filterKernel, { x: x!, dy: dy! }, { ...attrs, filterShape: c.filterShape }),
    ));
  it(inputKernel, () =>
    expectNoLeak(
      'wasm',
      () => [rand(c.dyShape), rand(c.filterShape)],
      ([dy, filter]) => tf.engine().runKernel(inputKernel, { dy: dy!, filter: filter! }, { ...attrs, inputShape: c.xShape }),
    ));
}

describe.each(convs)('Conv2D backprop kernels leak nothing: %s', (_, c) => {
  backpropKernelsLeakNothing('Conv2DBackpropFilter', 'Conv2DBackpropInput', c, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    dilations: c.dilations,
  });
});

describe('depthwise backprop kernels leak nothing', () => {
  const c = convCase([2, 6, 5, 3], [3, 3, 3, 2], [2, 2], 'same', [1, 1], true);
  backpropKernelsLeakNothing('DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', c, {
    strides: c.strides,
    pad: c.pad,
    dilations: c.dilations,
  });
});

describe('other kernels leak nothing', () => {
  it.each(['float32', 'int32'] as const)('UnsortedSegmentSum (%s, 2-D ids)', (dtype) =>
    expectNoLeak(
      'wasm',
      () => [tf.cast(rand([2, 3, 4]), dtype), tf.tensor2d([0, 2, 5, -1, 1, 1], [2, 3], 'int32')],
      ([x, ids]) => tf.unsortedSegmentSum(x as tf.Tensor, ids as tf.Tensor1D, 3),
    ),
  );

  it.each(['float32', 'int32', 'bool'] as const)('Tile (%s)', (dtype) =>
    expectNoLeak(
      'wasm',
      () => [tf.cast(rand([2, 1, 3]), dtype)],
      ([x]) => tf.tile(x as tf.Tensor, [2, 3, 1]),
    ),
  );

  it('MaxPoolGrad (tf.grad of maxPool)', () =>
    expectNoLeak(
      'wasm',
      () => [tf.tensor4d(rng.permutation(2 * 7 * 7 * 3), [2, 7, 7, 3])],
      ([x]) => tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 3, 2, 'same')))(x as tf.Tensor),
    ));

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('BatchMatMul and _FusedMatMul, transposeA %s, transposeB %s', (transposeA, transposeB) =>
    expectNoLeak(
      'wasm',
      () => [rand([3, 4, 4]), rand([3, 4, 4]), rand([4])],
      ([a, b, bias]) => [
        tf.matMul(a as tf.Tensor, b as tf.Tensor, transposeA, transposeB),
        tf.fused.matMul({ a: a as tf.Tensor, b: b as tf.Tensor, transposeA, transposeB, bias, activation: 'relu' }),
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q, transposeA, transposeB)))([
          a as tf.Tensor,
          b as tf.Tensor,
        ]),
      ],
    ),
  );

  it.each(['sum', 'mean'] as const)('%s gradient', (op) =>
    expectNoLeak(
      'wasm',
      () => [rand([3, 4, 5])],
      ([x]) => tf.grad((t: tf.Tensor) => tf[op](t, [0, 2], true))(x as tf.Tensor),
    ),
  );

  it('conv2d training step (tf.grads)', () =>
    expectNoLeak(
      'wasm',
      () => [rand([2, 6, 6, 3]), rand([3, 3, 3, 4])],
      ([x, w]) =>
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 2, 'same')))([
          x as tf.Tensor,
          w as tf.Tensor,
        ]),
    ));
});

describe.each(['wasm', 'cpu'] as const)('batchNormTraining leaks nothing on %s', (backend) => {
  const makeInputs = (): tf.Tensor[] => [rand([2, 3, 3, 4]), rand([4]), rand([4])];
  it('forward (the caller disposes the returned statistics)', () =>
    expectNoLeak(backend, makeInputs, ([x, gamma, beta]) => {
      const { y, mean, variance } = batchNormTraining(x as tf.Tensor, gamma as tf.Tensor1D, beta as tf.Tensor1D);
      tf.dispose([mean, variance]);
      return y;
    }));
  it('gradients', () =>
    expectNoLeak(backend, makeInputs, ([x, gamma, beta]) =>
      tf.grads((p: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { y, mean, variance } = batchNormTraining(p, g as tf.Tensor1D, b as tf.Tensor1D);
        tf.dispose([mean, variance]);
        return tf.sum(tf.square(y));
      })([x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor]),
    ));
});

describe('the leak check itself', () => {
  it('fails on a tensor kept past the tidy', async () => {
    let kept: tf.Tensor | undefined;
    await expectLeakFound(/engine tensors/, () => {
      kept = tf.keep(tf.ones([2]));
    });
    tf.dispose(kept);
  });
  it('fails on backend data the engine does not know about', () =>
    expectLeakFound(/wasm data ids/, () => {
      tf.ones([2]);
      tf.engine().backend.write(new Float32Array(4), [4], 'float32');
    }));
});

async function expectLeakFound(message: RegExp, run: () => void): Promise<void> {
  await expect(expectNoLeak('wasm', () => [], run)).rejects.toThrow(message);
}
