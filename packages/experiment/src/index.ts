export { defineExperiment, type CellContext, type Experiment, type ExperimentResult, type PresetName, type Stage, type Verdict } from './define.js';
export { runExperiment, type Invocation } from './run.js';
export { planStages, stageDirectory, type PlannedStage } from './stages.js';
export { parseExperimentArgs, resolveConfig, setPath, setPathReplacing, suggestion } from './args.js';
export { UsageError } from './usage-error.js';
export { MAX_WIDTH, trainingFields, trainingSchema, type TrainingConfig } from './training-config.js';
export { classificationCell, prepareCell, trainingSubset, type CellSpec, type PreparedCell, type TrainSubset } from './cell.js';
export { classificationEnsemble, type GroupedCell } from './ensemble-cell.js';
export { reportedRun, type FinishOptions, type ReportedRun, type ReportedRunOptions, type ReportedRunResult } from './reported-run.js';
export { cellFingerprint, cellIdentity, PROVENANCE_FIELDS } from './identity.js';
export {
  combine,
  describeJudgement,
  exploratory,
  holmAdjust,
  judgeInteriorMinimum,
  judgePairedDifference,
  judgeSeedEffect,
  judgeTrend,
  judgeTrendAlongEpochs,
  PROCEDURE,
  readVerdictFile,
  verdictFileSchema,
  VERDICT_FILE,
  writeVerdictFile,
  type StoredJudgement,
  type VerdictFile,
  type Judgement,
  type Outcome,
  type SeedDifference,
  type SeedPoint,
  type SeedValue,
  type Statistic,
  type TestResult,
} from './verdict/index.js';
export { cellStopSignal, PREEMPTED_EXIT } from './stop.js';
export { COMPANIONS, companionColumns, companionJudgements } from './companions.js';
export { aggregate, aggregateBy, formatSpread, metric, spearman, type Aggregate, type MetricOf } from './conclude.js';
export { capacityVerdict, type CapacitySweep } from './capacity-verdict.js';
