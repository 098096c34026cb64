export { defineExperiment, type CellContext, type Experiment, type ExperimentResult, type PresetName, type Stage, type Verdict } from './define.js';
export { planStages, runExperiment, stageDirectory, type PlannedStage } from './run.js';
export { parseExperimentArgs, resolveConfig, setPath, UsageError } from './args.js';
export { MAX_WIDTH, trainingFields, trainingSchema, type TrainingConfig } from './training-config.js';
export { classificationCell, trainingSubset, type CellSpec, type TrainSubset } from './cell.js';
export { cellFingerprint, cellIdentity } from './identity.js';
export { cellStopSignal, PREEMPTED_EXIT } from './stop.js';
export { aggregateBy, formatSpread, metric, spearman, type Aggregate, type MetricOf } from './conclude.js';
export { capacityVerdict, type CapacitySweep } from './capacity-verdict.js';
