import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, OptimizerState } from './types.js';

export interface SgdOptions {
  /** Heavy-ball momentum μ in [0, 1) (torch's dampening 0); 0 keeps no buffer. */
  momentum?: number;
  /** Nesterov momentum; needs μ > 0. */
  nesterov?: boolean;
  /** L2 folded into the gradient, g + wd·w (torch's weight_decay). */
  weightDecay?: number;
}

/** torch.optim.SGD: g ← g + wd·w; buf ← μ·buf + g; g ← nesterov ? g + μ·buf : buf; w ← w − lr·g. */
export function sgd({ momentum = 0, nesterov = false, weightDecay = 0 }: SgdOptions = {}): Optimizer {
  checkRange('sgd', 'momentum', momentum, '[0, 1)');
  checkRange('sgd', 'weightDecay', weightDecay, '[0, ∞)');
  checkBoolean('sgd', 'nesterov', nesterov);
  if (nesterov && momentum === 0) throw new Error('sgd: nesterov needs momentum > 0, got momentum 0');
  const slots = new Slots('sgd', momentum > 0 ? ['momentum'] : []);
  return {
    name: 'sgd',
    apply(variables, grads, learningRate) {
      const { slots: [buffers], rates } = slots.begin(variables, grads, learningRate);
      variables.forEach((w, i) =>
        tf.tidy(() => {
          let g = grads[i]!;
          if (weightDecay !== 0) g = tf.add(g, tf.mul(w, weightDecay));
          if (buffers) {
            // A zero buffer makes the first step buf = g, which is torch's clone on first use.
            const buf = tf.add(tf.mul(buffers[i]!, momentum), g);
            buffers[i]!.assign(buf);
            g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
          }
          w.assign(tf.sub(w, tf.mul(g, rates[i]!)));
        }),
      );
    },
    state: () => slots.download(),
    loadState: (state, variables) => slots.load(state, variables),
    dispose: () => slots.dispose(),
  };
}

const RANGES = {
  '[0, 1)': (x: number) => x >= 0 && x < 1,
  '[0, ∞)': (x: number) => x >= 0 && x < Infinity,
  '(0, ∞)': (x: number) => x > 0 && x < Infinity,
};

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** Options may come from untyped config, so the type is checked along with the range. */
export function checkRange(owner: string, option: string, value: unknown, range: keyof typeof RANGES): void {
  if (typeof value !== 'number' || !RANGES[range](value)) {
    throw new Error(`${owner}: ${option} must be in ${range}, got ${show(value)}`);
  }
}

export function checkBoolean(owner: string, option: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${owner}: ${option} must be true or false, got ${show(value)}`);
}

/** Each variable's learning rate: the one rate for all, or the list given per variable. */
function ratesOf(owner: string, learningRate: number | readonly number[], count: number): number[] {
  if (typeof learningRate === 'number') {
    checkRange(owner, 'learningRate', learningRate, '[0, ∞)');
    return new Array<number>(count).fill(learningRate);
  }
  if (learningRate.length !== count) throw new Error(`${owner}: ${learningRate.length} learning rates for ${count} variables; give one rate, or one per variable`);
  learningRate.forEach((rate, i) => checkRange(owner, `learningRate of variable ${i}`, rate, '[0, ∞)'));
  return [...learningRate];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * What every optimizer here keeps: a step count and, per named slot, one float32 variable per
 * trained variable, created as zeros on the first step (so an optimizer can exist before its
 * model) and saved under `${slot}/${index}`.
 */
export class Slots {
  step = 0;
  /** [slot][variable]; undefined until the first step or a load. */
  private variables: tf.Variable[][] | undefined;

  constructor(
    private readonly owner: string,
    private readonly names: readonly string[],
  ) {}

  /** Validates one step's arguments, counts the step and returns the slots as [slot][variable] and each variable's learning rate. */
  begin(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], learningRate: number | readonly number[]): { slots: tf.Variable[][]; rates: number[] } {
    const rates = ratesOf(this.owner, learningRate, variables.length);
    if (grads.length !== variables.length) {
      throw new Error(`${this.owner}: ${grads.length} gradients for ${variables.length} variables`);
    }
    variables.forEach((v, i) => {
      const g = grads[i]!;
      if (v.dtype !== 'float32' || g.dtype !== 'float32') {
        throw new Error(`${this.owner}: variable ${v.name} and its gradient must be float32, got ${v.dtype} and ${g.dtype}`);
      }
      // A mismatched gradient would broadcast silently.
      if (!tf.util.arraysEqual(v.shape, g.shape)) {
        throw new Error(`${this.owner}: gradient ${i} has shape ${shapeText(g.shape)}, variable ${v.name} ${shapeText(v.shape)}`);
      }
    });
    this.variables ??= this.names.map(() => variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false))));
    const first = this.variables[0];
    if (first && (first.length !== variables.length || first.some((s, i) => !tf.util.arraysEqual(s.shape, variables[i]!.shape)))) {
      throw new Error(`${this.owner}: the variables differ in number or shape from those its state was made for`);
    }
    this.step += 1;
    return { slots: this.variables, rates };
  }

  async download(): Promise<OptimizerState> {
    // Start every read before the first await, so a step taken meanwhile cannot mix into the snapshot.
    const step = this.step;
    const reads = this.entries().map(([key, v]) => ({ key, shape: [...v.shape], data: v.data() }));
    const slots: OptimizerState['slots'] = {};
    for (const { key, shape, data } of reads) {
      // Copied: the cpu backend hands out the tensor's own buffer.
      slots[key] = { shape, values: new Float32Array(await data) };
    }
    return { scalars: { step }, slots };
  }

  load(state: OptimizerState, variables: readonly tf.Variable[]): void {
    const step = state.scalars['step'];
    if (step === undefined || !Number.isInteger(step) || step < 0) {
      throw new Error(`${this.owner}: state step must be an integer ≥ 0, got ${show(step)}`);
    }
    const keys = Object.keys(state.slots);
    // State saved before the first step has no slots yet; they are then created lazily as usual.
    const lazy = step === 0 && keys.length === 0;
    const expected = lazy ? [] : this.names.flatMap((name) => variables.map((_, i) => `${name}/${i}`));
    const missing = expected.filter((key) => !keys.includes(key));
    const unexpected = keys.filter((key) => !expected.includes(key));
    if (missing.length > 0 || unexpected.length > 0) {
      throw new Error(
        `${this.owner}: state does not fit ${variables.length} variables` +
          ` (missing: ${missing.join(', ') || 'none'}; unexpected: ${unexpected.join(', ') || 'none'})`,
      );
    }
    for (const key of expected) {
      const { shape, values } = state.slots[key]!;
      const variable = variables[Number(key.split('/')[1])]!;
      if (!tf.util.arraysEqual(shape, variable.shape) || values.length !== variable.size) {
        throw new Error(
          `${this.owner}: slot ${key} has shape ${shapeText(shape)} and ${values.length} values, ` +
            `variable ${variable.name} has shape ${shapeText(variable.shape)}`,
        );
      }
    }
    // Copied, so the caller's arrays stay theirs.
    const restored = lazy
      ? undefined
      : this.names.map((name) =>
          variables.map((v, i) =>
            tf.tidy(() => tf.variable(tf.tensor(state.slots[`${name}/${i}`]!.values.slice(), v.shape, 'float32'), false)),
          ),
        );
    this.dispose();
    this.variables = restored;
    this.step = step;
  }

  dispose(): void {
    for (const v of this.variables?.flat() ?? []) v.dispose();
    this.variables = undefined;
    this.step = 0;
  }

  private entries(): [string, tf.Variable][] {
    return (this.variables ?? []).flatMap((slot, s) => slot.map((v, i): [string, tf.Variable] => [`${this.names[s]}/${i}`, v]));
  }
}
