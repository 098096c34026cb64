/**
 * The BatchMatMul / _FusedMatMul cases every matMul test file runs against the cpu backend: with
 * oneDNN's kernels (mat-mul-native.test.ts), turned off (mat-mul-wasm.test.ts) and with the library
 * absent (mat-mul-absent.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectWasmMatchesCpu, Random, runOn, sizeOf } from './support.js';

interface MatMulCase {
  aShape: number[];
  bShape: number[];
  outShape: number[];
  transposeA: boolean;
  transposeB: boolean;
  a: Float32Array;
  b: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'linear';
}

const rng = new Random(0x3a7);
const flags: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

const cases: MatMulCase[] = Array.from({ length: 32 }, (_, i) => {
  const [transposeA, transposeB] = flags[i % 4] as [boolean, boolean];
  const [m, k, n] = [rng.int(1, 9), rng.int(1, 9), rng.int(1, 9)];
  const rank3 = i % 8 >= 4;
  const batch = rank3 ? rng.int(1, 3) : 0;
  // Rank 3 sometimes broadcasts a batch of one against the other operand's batch.
  const broadcastA = rank3 && batch > 1 && rng.bool();
  const lead = (b: number): number[] => (rank3 ? [b] : []);
  const aShape = [...lead(broadcastA ? 1 : batch), ...(transposeA ? [k, m] : [m, k])];
  const bShape = [...lead(batch), ...(transposeB ? [n, k] : [k, n])];
  return {
    aShape,
    bShape,
    outShape: [...lead(batch), m, n],
    transposeA,
    transposeB,
    a: rng.floats(sizeOf(aShape)),
    b: rng.floats(sizeOf(bShape)),
    bias: rng.floats(n),
    activation: rng.pick(['relu', 'linear'] as const),
  };
});

/** Products the size of the nets' dense layers (batch 128), where oneDNN takes its blocked paths. */
const layerCases: MatMulCase[] = (
  [
    [[128, 96], [96, 40], false, false],
    [[96, 128], [96, 40], true, false],
    [[128, 40], [96, 40], false, true],
    [[2, 70, 33], [2, 33, 65], false, false],
  ] as const
).map(([aShape, bShape, transposeA, transposeB]) => {
  const m = transposeA ? aShape.at(-1)! : aShape.at(-2)!;
  const n = transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  return {
    aShape: [...aShape],
    bShape: [...bShape],
    outShape: [...aShape.slice(0, -2), m, n],
    transposeA,
    transposeB,
    a: rng.floats(sizeOf(aShape)),
    b: rng.floats(sizeOf(bShape)),
    bias: rng.floats(n),
    activation: 'relu',
  };
});

export const matMulCases = [...cases, ...layerCases];

const describeCase = (c: MatMulCase): string =>
  `a[${c.aShape}]${c.transposeA ? 'ᵀ' : ''} b[${c.bShape}]${c.transposeB ? 'ᵀ' : ''} ${c.activation}`;

const operands = (c: MatMulCase): [tf.Tensor, tf.Tensor] => [tf.tensor(c.a, c.aShape), tf.tensor(c.b, c.bShape)];
const scale = (c: MatMulCase): number =>
  Math.sqrt(c.transposeA ? (c.aShape.at(-2) as number) : (c.aShape.at(-1) as number));

export interface MatMulSuiteOptions {
  /** Called after each product on wasm: checks which path (oneDNN or the wasm kernels) ran it. */
  expectPath: () => void;
}

/**
 * Every product is compared with the cpu backend to rtol 1e-4 of max(√K, |expected|): float32
 * sums of K terms in another order differ by a few ulps of √K-sized partial sums.
 */
export function defineMatMulSuite({ expectPath }: MatMulSuiteOptions): void {
  describe('BatchMatMul (wasm) matches cpu', () => {
    matMulCases.forEach((c, i) => {
      it(`#${i} ${describeCase(c)}`, async () => {
        const [out] = await expectWasmMatchesCpu(() => tf.matMul(...operands(c), c.transposeA, c.transposeB), {
          scale: scale(c),
        });
        expectPath();
        expect(out?.shape).toEqual(c.outShape);
      });
    });
  });

  describe('_FusedMatMul with bias and activation (wasm) matches cpu', () => {
    matMulCases.forEach((c, i) => {
      it(`#${i} ${describeCase(c)} + bias`, async () => {
        const [out] = await expectWasmMatchesCpu(
          () => {
            const [a, b] = operands(c);
            const { transposeA, transposeB, activation } = c;
            return tf.fused.matMul({ a, b, transposeA, transposeB, bias: tf.tensor1d(c.bias), activation });
          },
          { scale: scale(c) },
        );
        expectPath();
        expect(out?.shape).toEqual(c.outShape);
        if (c.activation === 'relu') expect(Math.min(...(out?.values ?? []))).toBeGreaterThanOrEqual(0);
      });
    });
  });

  it('rank-3 _FusedMatMul adds the bias to every row of every batch', async () => {
    // a = 0, so the product is the bias broadcast to [2, 2, 3].
    const [out] = await runOn('wasm', () =>
      tf.fused.matMul({ a: tf.zeros([2, 2, 1]), b: tf.ones([2, 1, 3]), bias: tf.tensor1d([1, 2, 3]) }),
    );
    expectPath();
    expect(out?.shape).toEqual([2, 2, 3]);
    expect(Array.from(out?.values ?? [])).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });

  it('rank-3 _FusedMatMul adds each batch its own bias row ([batch, 1, n], stacked biases)', async () => {
    const [out] = await runOn('wasm', () =>
      tf.fused.matMul({ a: tf.zeros([2, 2, 1]), b: tf.ones([2, 1, 3]), bias: tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 1, 3]), activation: 'relu' }),
    );
    expectPath();
    expect(Array.from(out?.values ?? [])).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });

  describe('matMul gradients (wasm; transposed products) match cpu', () => {
    cases
      .filter((c) => c.aShape.length === 2 || c.aShape[0] === c.bShape[0])
      .slice(0, 12)
      .forEach((c, i) => {
        it(`#${i} ${describeCase(c)}`, async () => {
          const upstream = new Random(i).floats(sizeOf(c.outShape));
          await expectWasmMatchesCpu(
            () =>
              tf.grads((a: tf.Tensor, b: tf.Tensor) =>
                tf.sum(
                  tf.mul(
                    tf.fused.matMul({
                      a,
                      b,
                      transposeA: c.transposeA,
                      transposeB: c.transposeB,
                      bias: tf.tensor1d(c.bias),
                      activation: c.activation,
                    }),
                    tf.tensor(upstream, c.outShape),
                  ),
                ),
              )(operands(c)),
            { scale: 3 },
          );
          expectPath();
        });
      });
  });

  describe('matMul leaks nothing (wasm)', () => {
    it.each([
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ])('transposeA %s, transposeB %s: products, fused products, gradients', (transposeA, transposeB) =>
      expectNoLeak(
        'wasm',
        () => [tf.randomNormal([3, 5, 5]), tf.randomNormal([3, 5, 5]), tf.randomNormal([5])],
        ([a, b, bias]) => [
          tf.matMul(a!, b!, transposeA, transposeB),
          tf.fused.matMul({ a: a!, b: b!, transposeA, transposeB, bias, activation: 'relu' }),
          tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q, transposeA, transposeB)))([a!, b!]),
        ],
      ).then(expectPath),
    );
  });
}
