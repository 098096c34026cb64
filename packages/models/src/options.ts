import * as tfl from '@tensorflow/tfjs-layers';

/** A model option out of range: names the model, the option, the value and what is allowed. */
export class ModelOptionError extends Error {
  constructor(model: string, option: string, value: unknown, expected: string) {
    super(`${model}: option ${option} = ${JSON.stringify(value)} is invalid; expected ${expected}`);
    this.name = 'ModelOptionError';
  }

  static unknown(model: string, option: string, known: readonly string[]): ModelOptionError {
    const error = new ModelOptionError(model, option, undefined, '');
    error.message = `${model}: no option '${option}'; ${model} takes ${known.join(', ')}`;
    return error;
  }
}

/** The knobs every zoo model takes. */
export interface CommonOptions {
  /** Model-specific width (see each model); larger is wider. */
  width?: number;
  /** Dropout rate in [0, 1); 0 leaves dropout layers out. */
  dropout?: number;
  /**
   * L2 strength λ ≥ 0: every conv and dense kernel (not biases, batch norm or embeddings) gets the
   * penalty λ·Σw², which the training kernel adds to the mean loss (`regularizationLoss`). For
   * plain SGD this equals PyTorch's `weight_decay = 2λ`.
   */
  l2?: number;
  classes?: number;
}

export function checkInteger(model: string, option: string, value: number, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ModelOptionError(model, option, value, `an integer${max === Infinity ? ` ≥ ${min}` : ` from ${min} to ${max}`}`);
  }
  return value;
}

export function checkCommon(model: string, { width, dropout, l2, classes }: Required<CommonOptions>): void {
  checkInteger(model, 'width', width, 1);
  checkInteger(model, 'classes', classes, 1);
  if (!(dropout >= 0 && dropout < 1)) throw new ModelOptionError(model, 'dropout', dropout, 'a rate in [0, 1)');
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new ModelOptionError(model, 'l2', l2, 'a finite λ ≥ 0');
}

export function checkShape(model: string, option: string, shape: readonly number[], rank: number): void {
  if (shape.length !== rank || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ModelOptionError(model, option, shape, `${rank} positive integers`);
  }
}

/** The kernel regulariser for λ, or none, so λ = 0 adds no work. */
export const kernelL2 = (l2: number) => (l2 > 0 ? { kernelRegularizer: tfl.regularizers.l2({ l2 }) } : {});

/** Adds a dropout layer only when the rate is positive. */
export function addDropout(model: tfl.Sequential, rate: number): void {
  if (rate > 0) model.add(tfl.layers.dropout({ rate }));
}
