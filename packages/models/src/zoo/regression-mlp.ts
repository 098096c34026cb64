import type * as tfl from '@tensorflow/tfjs-layers';
import { checkCommon, checkInteger, type CommonOptions } from '../options.js';
import { mlp } from './mlp.js';

export interface RegressionMlpOptions extends Omit<CommonOptions, 'classes'> {
  inputSize?: number;
  /** Regression targets. */
  outputs?: number;
  /** Hidden layers (default 2). */
  depth?: number;
}

/**
 * A small regression net for physics data (MGDL's fluidized-bed experiments): inputSize → depth ×
 * (32·w tanh) → linear outputs; smooth activations because physical constraints are
 * differentiated through it. Defaults: 4 inputs, 1 output, w = 2 (64 units), depth 2.
 */
export function regressionMlp({ width = 2, dropout = 0, l2 = 0, inputSize = 4, outputs = 1, depth = 2 }: RegressionMlpOptions = {}): tfl.Sequential {
  checkCommon('regression-mlp', { width, dropout, l2, classes: 1 });
  checkInteger('regression-mlp', 'outputs', outputs, 1);
  checkInteger('regression-mlp', 'inputSize', inputSize, 1);
  checkInteger('regression-mlp', 'depth', depth, 1);
  return mlp({ inputSize, hidden: new Array<number>(depth).fill(32 * width), classes: outputs, activation: 'tanh', dropout, l2, name: `regression_mlp_w${width}` });
}
