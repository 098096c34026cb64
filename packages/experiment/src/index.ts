export { defineExperiment, type Experiment, type PresetName, type Verdict } from './define.js';
export { runExperiment } from './run.js';
export { parseExperimentArgs, resolveConfig, setPath, UsageError } from './args.js';
export { trainingFields, trainingSchema, type TrainingConfig } from './training-config.js';
export { classificationCell, type CellSpec } from './cell.js';
export { aggregateBy, formatSpread, metric, spearman, type Aggregate } from './conclude.js';
