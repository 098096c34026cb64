export { isDenseNet } from './architecture.js';
export { trainEnsemble, type EnsembleResult, type TrainEnsembleOptions } from './train-ensemble.js';
export type { EnsembleMember } from './member.js';
