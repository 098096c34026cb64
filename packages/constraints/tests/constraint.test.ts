import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { constraintFromFunction, ConstraintError, sumConstraints } from '../src/index.js';
import { counterFlowOutlets, heatExchangerBalance } from '../examples/heat-exchanger.js';
import { gradientError } from './fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const exchangers = [
  [2000, 400, 3000, 300, 2500],
  [1500, 360, 1000, 290, 4000],
  [800, 420, 800, 310, 600],
];
const inputs = exchangers.map((e) => e.slice(0, 4));
const solutions = exchangers.map(([ch, th, cc, tc, ua]) => counterFlowOutlets(ch!, th!, cc!, tc!, ua!));
const violations = (y: number[][]) => tf.tidy(() => Array.from(heatExchangerBalance.violation(tf.tensor2d(inputs), tf.tensor2d(y)).dataSync()));

describe('user constraints (the README heat-exchanger example)', () => {
  it('vanish at the ε-NTU solution and not away from it', () => {
    for (const v of violations(solutions)) expect(v).toBeLessThan(1e-10);
    for (const v of violations(solutions.map(([h, c]) => [h! + 5, c!]))) expect(v).toBeGreaterThan(1e-4);
    // A cold outlet above the hot inlet breaks the second law even when the duties balance.
    // Second exchanger: T_c,out = T_h,in + 7 K over a 70 K span gives (7/70)² = 0.01; T_h,out stays above T_c,in.
    const [ch, th, cc, tc] = inputs[1]!;
    const crossed = [th! - (cc! * (th! + 7 - tc!)) / ch!, th! + 7];
    expect(violations([solutions[0]!, crossed, solutions[2]!])[1]).toBeCloseTo(0.01, 4);
  });

  it('have gradients that match central differences', () => {
    const x = tf.tensor2d(inputs);
    expect(gradientError((y) => heatExchangerBalance.violation(x, y), solutions.map(([h, c]) => [h! + 3, c! - 2]))).toBeLessThan(2e-2);
    x.dispose();
  });

  it('sum with weights, and fail clearly on a wrong shape or name', () => {
    const double = sumConstraints('twice', [{ constraint: heatExchangerBalance, weight: 2 }]);
    const off = solutions.map(([h, c]) => [h! + 5, c!]);
    const single = violations(off);
    tf.tidy(() => double.violation(tf.tensor2d(inputs), tf.tensor2d(off)).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(2 * single[i]!, 5));
    const summed = constraintFromFunction('summed', (_x, y) => tf.sum(y));
    expect(() => tf.tidy(() => summed.violation(tf.tensor2d(inputs), tf.tensor2d(solutions)))).toThrow(/returned shape \[\]; a violation has one value per sample, shape \[3\]/);
    expect(() => constraintFromFunction('', (_x, y) => y)).toThrow(ConstraintError);
    expect(() => sumConstraints('none', [])).toThrow(/at least one/);
    expect(() => sumConstraints('neg', [{ constraint: heatExchangerBalance, weight: -1 }])).toThrow(/weight of 'heat-exchanger'/);
  });
});
