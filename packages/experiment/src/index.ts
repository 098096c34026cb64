export { defineExperiment, type CellContext, type Experiment, type ExperimentResult, type PresetName, type Stage, type Verdict } from './runner/define.js';
export { runExperiment, type Invocation } from './runner/run.js';
export { planStages, stageDirectory, type PlannedStage } from './runner/stages.js';
export { parseExperimentArgs, resolveConfig, setPath, setPathReplacing, suggestion } from './command-line/args.js';
export { UsageError } from './command-line/usage-error.js';
export { MAX_WIDTH, trainingFields, trainingSchema, type TrainingConfig } from './cell/training-config.js';
export { classificationCell, loadCellSplits, prepareCell, trainingSubset, type CellSplits, type CellSpec, type PreparedCell, type TrainSubset } from './cell/cell.js';
export { classificationEnsemble, groupCheckpoint, type GroupedCell } from './cell/ensemble-cell.js';
export { reportedRun, type FinishOptions, type ReportedRun, type ReportedRunOptions, type ReportedRunResult } from './cell/reported-run.js';
export { cellFingerprint, cellIdentity, PROVENANCE_FIELDS } from './runner/identity.js';
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
export { cellStopSignal, PREEMPTED_EXIT } from './runner/stop.js';
export { COMPANIONS, companionColumns, companionJudgements } from './verdict/companions.js';
export { aggregate, aggregateBy, formatSpread, metric, spearman, type Aggregate, type MetricOf } from './verdict/conclude.js';
export { capacityVerdict, type CapacitySweep } from './verdict/capacity-verdict.js';
