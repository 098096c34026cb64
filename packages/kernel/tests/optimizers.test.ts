import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, initBackend } from '@mgdl/backend';
import { createRandom } from '@mgdl/random';
import { adam, createOptimizer, sgd, type AdamOptions, type OptimizerSpec, type SgdOptions } from '../src/optimizers/index.js';
import type { Optimizer, OptimizerState } from '../src/optimizers/types.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const SHAPES = [[3, 4], [5], [2, 1, 3]];
/** Per-step learning rates, a zero among them: the kernel changes lr every step. */
const RATES = [0.1, 0.03, 0.2, 0, 0.05, 0.1];

/** Deterministic uniform values in [-1, 1) (mulberry32), rounded to float32 so both sides see the same inputs. */
function randomArrays(seed: number): Float32Array[] {
  const random = createRandom(seed);
  const next = () => 2 * random() - 1;
  return SHAPES.map((shape) => Float32Array.from({ length: tf.util.sizeFromShape(shape) }, next));
}

const variablesFrom = (arrays: Float32Array[]) => arrays.map((values, i) => tf.variable(tf.tensor(values, SHAPES[i])));
const gradsAt = (step: number) => randomArrays(1000 + step).map((values, i) => tf.tensor(values, SHAPES[i]));

function step(optimizer: Optimizer, variables: tf.Variable[], k: number, learningRate: number | readonly number[] = RATES[k % RATES.length]!): void {
  const grads = gradsAt(k);
  optimizer.apply(variables, grads, learningRate);
  tf.dispose(grads);
}

const read = (variables: tf.Variable[]) => variables.map((v) => v.dataSync() as Float32Array);

/** Plain float64 transcriptions of torch.optim.SGD and Adam/AdamW (1.13), independent of the tfjs code. */
type Reference = (weights: Float64Array[], grads: Float32Array[], learningRate: number) => void;

function referenceSgd({ momentum = 0, nesterov = false, weightDecay = 0 }: SgdOptions): Reference {
  let buffers: Float64Array[] | undefined;
  return (weights, grads, lr) => {
    const first = buffers === undefined;
    buffers ??= weights.map((w) => new Float64Array(w.length));
    weights.forEach((w, i) => {
      const buffer = buffers![i]!;
      for (let j = 0; j < w.length; j++) {
        let d = grads[i]![j]! + weightDecay * w[j]!;
        if (momentum > 0) {
          buffer[j] = first ? d : momentum * buffer[j]! + d;
          d = nesterov ? d + momentum * buffer[j]! : buffer[j]!;
        }
        w[j] = w[j]! - lr * d;
      }
    });
  };
}

function referenceAdam({ beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0, decoupled = false }: AdamOptions): Reference {
  let t = 0;
  let moments: { m: Float64Array; v: Float64Array }[] | undefined;
  return (weights, grads, lr) => {
    t += 1;
    moments ??= weights.map((w) => ({ m: new Float64Array(w.length), v: new Float64Array(w.length) }));
    weights.forEach((w, i) => {
      const { m, v } = moments![i]!;
      for (let j = 0; j < w.length; j++) {
        const g = grads[i]![j]! + (decoupled ? 0 : weightDecay * w[j]!);
        m[j] = beta1 * m[j]! + (1 - beta1) * g;
        v[j] = beta2 * v[j]! + (1 - beta2) * g * g;
        const mHat = m[j]! / (1 - beta1 ** t);
        const vHat = v[j]! / (1 - beta2 ** t);
        if (decoupled) w[j] = w[j]! * (1 - lr * weightDecay);
        w[j] = w[j]! - (lr * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    });
  };
}

const reference = (spec: OptimizerSpec): Reference => (spec.name === 'sgd' ? referenceSgd(spec) : referenceAdam(spec));

/** Largest |actual − expected| / max(|expected|, 1): the weights are O(1). */
function maxRelativeError(actual: Float32Array[], expected: Float64Array[]): number {
  let worst = 0;
  actual.forEach((a, i) => a.forEach((x, j) => {
    const e = expected[i]![j]!;
    worst = Math.max(worst, Math.abs(x - e) / Math.max(Math.abs(e), 1));
  }));
  return worst;
}

const SPECS: [string, OptimizerSpec][] = [
  ['sgd', { name: 'sgd' }],
  ['sgd + weight decay', { name: 'sgd', weightDecay: 0.05 }],
  ['sgd + momentum', { name: 'sgd', momentum: 0.9 }],
  ['sgd + momentum + weight decay', { name: 'sgd', momentum: 0.9, weightDecay: 0.05 }],
  ['sgd + nesterov + weight decay', { name: 'sgd', momentum: 0.8, nesterov: true, weightDecay: 0.05 }],
  ['adam', { name: 'adam' }],
  ['adam + coupled weight decay', { name: 'adam', weightDecay: 0.05 }],
  ['adamw (decoupled weight decay)', { name: 'adam', weightDecay: 0.05, decoupled: true }],
  ['adam with other betas and epsilon', { name: 'adam', beta1: 0.5, beta2: 0.9, epsilon: 1e-3, weightDecay: 0.01, decoupled: true }],
];

describe('optimizers against a float64 reference', () => {
  it.each(SPECS)('%s matches it to 1e-5 over 12 steps with a changing learning rate', (_, spec) => {
    const optimizer = createOptimizer(spec);
    const initial = randomArrays(1);
    const variables = variablesFrom(initial);
    const weights = initial.map((w) => Float64Array.from(w));
    const update = reference(spec);
    for (let k = 0; k < 2 * RATES.length; k++) {
      step(optimizer, variables, k);
      update(weights, randomArrays(1000 + k), RATES[k % RATES.length]!);
      expect(maxRelativeError(read(variables), weights), `step ${k}`).toBeLessThan(1e-5);
    }
    optimizer.dispose();
    tf.dispose(variables);
  });

  it("scales Adam's whole displacement with the learning rate", () => {
    // From zero weights, the weights are the displacement, free of rounding against larger values.
    const run = (scale: number) => {
      const optimizer = adam();
      const variables = SHAPES.map((shape) => tf.variable(tf.zeros(shape)));
      for (let k = 0; k < 3; k++) step(optimizer, variables, k, scale * RATES[k]!);
      const displacement = read(variables);
      optimizer.dispose();
      tf.dispose(variables);
      return displacement;
    };
    const base = run(1);
    const tripled = run(3);
    base.forEach((d, i) =>
      d.forEach((x, j) => expect(Math.abs(tripled[i]![j]! - 3 * x)).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(3 * x), 1e-2))),
    );
    expect(Math.max(...base.flatMap((d) => [...d].map(Math.abs)))).toBeGreaterThan(0.1);
  });
});

describe('state', () => {
  it.each(SPECS)('%s: loadState(state()) continues exactly like the uninterrupted optimizer', async (_, spec) => {
    const original = createOptimizer(spec);
    const variables = variablesFrom(randomArrays(1));
    for (let k = 0; k < 3; k++) step(original, variables, k);
    const state = await original.state();
    expect(state.scalars).toEqual({ step: 3 });

    const resumed = createOptimizer(spec);
    const copies = variables.map((v) => tf.variable(v.clone()));
    resumed.loadState(state, copies);
    // The load copied the arrays: editing them afterwards must not reach the optimizer.
    for (const { values } of Object.values(state.slots)) values.fill(Number.NaN);
    for (let k = 3; k < 7; k++) {
      step(original, variables, k);
      step(resumed, copies, k);
    }
    expect(read(copies)).toEqual(read(variables));
    expect((await resumed.state()).scalars).toEqual({ step: 7 });
    for (const o of [original, resumed]) o.dispose();
    tf.dispose([...variables, ...copies]);
  });

  it('names one slot per variable in the order of the variables, with their shapes', async () => {
    const variables = variablesFrom(randomArrays(1));
    const expectations: [Optimizer, string[]][] = [
      [sgd(), []],
      [sgd({ momentum: 0.9 }), ['momentum']],
      [adam(), ['m', 'v']],
    ];
    for (const [optimizer, slots] of expectations) {
      expect(await optimizer.state()).toEqual({ scalars: { step: 0 }, slots: {} });
      step(optimizer, variables, 0);
      const { slots: saved } = await optimizer.state();
      expect(Object.keys(saved)).toEqual(slots.flatMap((s) => SHAPES.map((_, i) => `${s}/${i}`)));
      for (const [key, { shape, values }] of Object.entries(saved)) {
        const i = Number(key.split('/')[1]);
        expect(shape).toEqual(SHAPES[i]);
        expect(values).toBeInstanceOf(Float32Array);
      }
      optimizer.dispose();
    }
    tf.dispose(variables);
  });

  it("SGD's first momentum buffer is the (decayed) gradient itself, as torch's clone", async () => {
    const initial = randomArrays(1);
    const variables = variablesFrom(initial);
    const optimizer = sgd({ momentum: 0.9, weightDecay: 0.5 });
    step(optimizer, variables, 0);
    const { slots } = await optimizer.state();
    const g = randomArrays(1000)[0]!;
    slots['momentum/0']!.values.forEach((b, j) => expect(b).toBeCloseTo(g[j]! + 0.5 * initial[0]![j]!, 6));
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('loads a state saved before the first step, then creates the slots lazily', async () => {
    const variables = variablesFrom(randomArrays(1));
    const optimizer = adam();
    optimizer.loadState(await adam().state(), variables);
    step(optimizer, variables, 0);
    expect(Object.keys((await optimizer.state()).slots)).toHaveLength(2 * SHAPES.length);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('rejects a state that does not fit, naming the problem, and keeps its own', async () => {
    const variables = variablesFrom(randomArrays(1));
    const optimizer = adam();
    step(optimizer, variables, 0);
    const good = await optimizer.state();
    const withoutV2 = { ...good.slots };
    delete withoutV2['v/2'];
    const cases: [OptimizerState, RegExp][] = [
      [{ ...good, slots: withoutV2 }, /adam: state does not fit 3 variables \(missing: v\/2; unexpected: none\)/],
      [{ ...good, slots: { ...good.slots, 'm/3': good.slots['m/0']! } }, /unexpected: m\/3/],
      [{ ...good, scalars: { step: -1 } }, /adam: state step must be an integer ≥ 0, got -1/],
      [{ ...good, scalars: {} }, /got undefined/],
      [{ ...good, slots: { ...good.slots, 'm/0': { shape: [4, 3], values: good.slots['m/0']!.values } } }, /slot m\/0 has shape \[4, 3\]/],
      [{ ...good, slots: { ...good.slots, 'v/1': { shape: [5], values: new Float32Array(4) } } }, /slot v\/1 has shape \[5\] and 4 values/],
    ];
    for (const [state, message] of cases) expect(() => optimizer.loadState(state, variables)).toThrow(message);
    expect(() => sgd({ momentum: 0.9 }).loadState(good, variables)).toThrow(/sgd: state does not fit .*missing: momentum\/0/);
    expect(await optimizer.state()).toEqual(good);
    optimizer.dispose();
    tf.dispose(variables);
  });
});

describe('per-variable learning rates (an ensemble member each)', () => {
  /** Variable 1 at its own rate, variables 0 and 2 at one shared rate, changing every step. */
  const ratesAt = (k: number) => [RATES[k % RATES.length]!, 0.5 * RATES[(k + 1) % RATES.length]!, RATES[k % RATES.length]!];

  /** Weights after 8 steps: once with rates per variable in one apply per step, once with each variable its own optimizer and single rate. */
  function bothWays(make: () => Optimizer) {
    const together = variablesFrom(randomArrays(1));
    const optimizer = make();
    const separate = variablesFrom(randomArrays(1));
    const ownOptimizers = separate.map(() => make());
    for (let k = 0; k < 8; k++) {
      const grads = gradsAt(k);
      optimizer.apply(together, grads, ratesAt(k));
      separate.forEach((v, i) => ownOptimizers[i]!.apply([v], [grads[i]!], ratesAt(k)[i]!));
      tf.dispose(grads);
    }
    const result = { together: read(together), separate: read(separate) };
    for (const o of [optimizer, ...ownOptimizers]) o.dispose();
    tf.dispose([...together, ...separate]);
    return result;
  }

  /** Runs `fn` without the fused Adam kernel registered on the current backend, so adam takes its per-op path. */
  function withoutFusedAdam<T>(fn: () => T): T {
    const fused = tf.getKernel(ADAM_UPDATE, tf.getBackend())!;
    tf.unregisterKernel(ADAM_UPDATE, tf.getBackend());
    try {
      return fn();
    } finally {
      tf.registerKernel(fused);
    }
  }

  it.each<[string, () => Optimizer]>([
    ['sgd with momentum and weight decay', () => sgd({ momentum: 0.9, weightDecay: 0.05 })],
    ['adam, fused kernel', () => adam({ weightDecay: 0.05 })],
    ['adamw, fused kernel', () => adam({ weightDecay: 0.05, decoupled: true })],
  ])('%s: one apply with a rate per variable equals each variable stepped alone at its rate, bit for bit', (_, make) => {
    expect(tf.getKernel(ADAM_UPDATE, tf.getBackend()), 'the fused Adam kernel is registered').toBeDefined();
    const { together, separate } = bothWays(make);
    expect(together).toEqual(separate);
  });

  it.each<[string, () => Optimizer]>([
    ['adam, per-op path', () => adam({ weightDecay: 0.05 })],
    ['adamw, per-op path', () => adam({ weightDecay: 0.05, decoupled: true })],
  ])('%s: the same, bit for bit', (_, make) => {
    const { together, separate } = withoutFusedAdam(() => bothWays(make));
    expect(together).toEqual(separate);
  });

  it('counts one step per apply: the bias correction is that of a solo run at every rate', async () => {
    const optimizer = adam();
    const variables = variablesFrom(randomArrays(1));
    for (let k = 0; k < 3; k++) step(optimizer, variables, k, ratesAt(k));
    expect((await optimizer.state()).scalars).toEqual({ step: 3 });
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('runs the fused Adam kernel once per distinct rate: once when all are equal', async () => {
    const variables = variablesFrom(randomArrays(1));
    const grads = gradsAt(0);
    const optimizer = adam();
    const fusedCalls = async (rates: number | number[]) => (await tf.profile(() => optimizer.apply(variables, grads, rates))).kernels.filter((k) => k.name === ADAM_UPDATE).length;
    expect(await fusedCalls([0.1, 0.1, 0.1])).toBe(1);
    expect(await fusedCalls(0.1)).toBe(1);
    expect(await fusedCalls([0.1, 0.2, 0.1])).toBe(2);
    expect(await fusedCalls([0.1, 0.2, 0.3])).toBe(3);
    optimizer.dispose();
    tf.dispose([...variables, ...grads]);
  });

  it('refuses a list of rates that does not fit the variables, or holds a bad rate, naming it', () => {
    const variables = variablesFrom(randomArrays(1));
    const grads = gradsAt(0);
    for (const optimizer of [adam(), sgd()]) {
      expect(() => optimizer.apply(variables, grads, [0.1, 0.1])).toThrow(`${optimizer.name}: 2 learning rates for 3 variables; give one rate, or one per variable`);
      expect(() => optimizer.apply(variables, grads, [0.1, -1, 0.1])).toThrow(`${optimizer.name}: learningRate of variable 1 must be in [0, ∞), got -1`);
      optimizer.dispose();
    }
    tf.dispose([...variables, ...grads]);
  });
});

describe('memory', () => {
  it.each<[string, () => Optimizer, number]>([
    ['sgd', () => sgd(), 0],
    ['sgd + weight decay + nesterov', () => sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01 }), 1],
    ['adam + coupled weight decay', () => adam({ weightDecay: 0.01 }), 2],
    ['adamw', () => adam({ weightDecay: 0.01, decoupled: true }), 2],
  ])('%s keeps only its slots and leaks no tensors', async (_, make, perVariable) => {
    const variables = variablesFrom(randomArrays(1));
    const grads = gradsAt(0);
    const optimizer = make();
    const before = tf.memory().numTensors;
    optimizer.apply(variables, grads, 0.1);
    const withSlots = before + perVariable * variables.length;
    expect(tf.memory().numTensors).toBe(withSlots);
    optimizer.apply(variables, grads, 0.05);
    expect(tf.memory().numTensors).toBe(withSlots);
    optimizer.loadState(await optimizer.state(), variables);
    expect(tf.memory().numTensors).toBe(withSlots);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...variables, ...grads]);
  });
});

describe('validation', () => {
  it.each<[string, () => unknown, string | RegExp]>([
    ['momentum < 0', () => sgd({ momentum: -0.1 }), 'sgd: momentum must be in [0, 1), got -0.1'],
    ['momentum = 1', () => sgd({ momentum: 1 }), 'sgd: momentum must be in [0, 1), got 1'],
    ['nesterov without momentum', () => sgd({ nesterov: true }), 'sgd: nesterov needs momentum > 0'],
    ['NaN weight decay', () => sgd({ weightDecay: Number.NaN }), 'sgd: weightDecay must be in [0, ∞), got NaN'],
    ['beta1 = 1', () => adam({ beta1: 1 }), 'adam: beta1 must be in [0, 1), got 1'],
    ['beta2 < 0', () => adam({ beta2: -0.5 }), 'adam: beta2 must be in [0, 1), got -0.5'],
    ['epsilon = 0', () => adam({ epsilon: 0 }), 'adam: epsilon must be in (0, ∞), got 0'],
    ['negative weight decay', () => adam({ weightDecay: -1 }), 'adam: weightDecay must be in [0, ∞), got -1'],
    ['string option', () => createOptimizer({ name: 'adam', beta1: '0.9' as unknown as number }), 'adam: beta1 must be in [0, 1), got "0.9"'],
    ['non-boolean', () => adam({ decoupled: 1 as unknown as boolean }), 'adam: decoupled must be true or false, got 1'],
    ['unknown name', () => createOptimizer({ name: 'rmsprop' } as unknown as OptimizerSpec), 'createOptimizer: unknown optimizer "rmsprop"; known: sgd, adam'],
    [
      'misspelt option',
      () => createOptimizer({ name: 'sgd', momentun: 0.9 } as OptimizerSpec),
      "sgd: unknown option 'momentun'; sgd takes momentum, nesterov, weightDecay",
    ],
    ['option of the other optimizer', () => createOptimizer({ name: 'adam', momentum: 0.9 } as OptimizerSpec), /adam: unknown option 'momentum'/],
  ])('%s throws', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects bad step arguments', () => {
    const variables = variablesFrom(randomArrays(1));
    const grads = gradsAt(0);
    const optimizer = adam();
    expect(() => optimizer.apply(variables, grads, -1)).toThrow('adam: learningRate must be in [0, ∞), got -1');
    expect(() => optimizer.apply(variables, grads, Number.NaN)).toThrow('got NaN');
    expect(() => optimizer.apply(variables, grads.slice(1), 0.1)).toThrow('adam: 2 gradients for 3 variables');
    expect(() => optimizer.apply(variables, [grads[0]!, grads[0]!, grads[2]!], 0.1)).toThrow(/adam: gradient 1 has shape \[3, 4\], variable .* \[5\]/);
    optimizer.apply(variables, grads, 0.1);
    expect(() => optimizer.apply(variables.slice(1), grads.slice(1), 0.1)).toThrow(/differ in number or shape/);
    optimizer.dispose();
    tf.dispose([...variables, ...grads]);
  });
});
