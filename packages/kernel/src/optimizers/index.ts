import { adam, type AdamOptions } from './adam.js';
import { sgd, type SgdOptions } from './sgd.js';
import type { Optimizer } from './types.js';

export { adam, type AdamOptions } from './adam.js';
export { sgd, type SgdOptions } from './sgd.js';
export type { Optimizer, OptimizerState } from './types.js';

export type OptimizerSpec = ({ name: 'sgd' } & SgdOptions) | ({ name: 'adam' } & AdamOptions);

// Records over every option key, so adding an option without listing it here fails to compile.
const sgdOptions: Record<keyof SgdOptions, true> = { momentum: true, nesterov: true, weightDecay: true };
const adamOptions: Record<keyof AdamOptions, true> = { beta1: true, beta2: true, epsilon: true, weightDecay: true, decoupled: true };

/** Specs come from config files, where a misspelt option would otherwise be silently ignored. */
function known<T extends { name: string }>(spec: T, options: Record<string, true>): T {
  for (const key of Object.keys(spec)) {
    if (key !== 'name' && !(key in options)) {
      throw new Error(`${spec.name}: unknown option '${key}'; ${spec.name} takes ${Object.keys(options).join(', ')}`);
    }
  }
  return spec;
}

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.name) {
    case 'sgd':
      return sgd(known(spec, sgdOptions));
    case 'adam':
      return adam(known(spec, adamOptions));
    default:
      throw new Error(`createOptimizer: unknown optimizer ${JSON.stringify((spec as { name: unknown }).name)}; known: sgd, adam`);
  }
}
