// The core: no tfjs, no Node built-ins, so it runs in a browser too. File readers are in './node.ts' (@mgdl/forgetting/node).
export { HistoryError } from './errors.js';
export { FLOAT_SERIES, History, parseSeries, SERIES, type FloatSeries, type HistoryArrays, type HistoryState, type Series } from './history.js';
export * from './history-io.js';
export { analyze, classifyRegime, compromise, settle, type Analysis, type AnalyzeOptions, type CompromiseTrace, type Regime, type Settling } from './stats/analyze.js';
export { eventPass, type InitialState, type SampleStats, type ScaleTrace } from './stats/events.js';
export { forgettingCounts, rankByForgetting, sumForgettingCounts, type NeverLearnedPolicy } from './stats/ranking.js';
export { analyzeByNoise, summarize, type AnalysisSummary } from './stats/summary.js';
export { perSampleCsv, readPerSampleCsv, type PerSampleTable } from './stats/per-sample-csv.js';
export { parseGroups } from './groups.js';
export type { PerSampleArrays, PerSampleEvent, RecorderPlugin } from './kernel-shape.js';
export { forgettingStatistics, type ForgettingStatisticsOptions, type ForgettingStatisticsPlugin, type RecordingMode } from './plugin.js';
export * from './dynamics/index.js';
export { dynamicsRecorder, type DynamicsRecorder, type DynamicsRecorderOptions } from './recorder.js';
export { perSampleEvent, scoreRow, type CorrectnessUpdate, type RecorderUpdate, type ScoredArrays, type ScoredUpdate, type Scores } from './per-sample-event.js';
export { FORMAT_DESCRIPTIONS, IMPORT_FORMATS, recordsToDynamics, type DynamicsRecord, type ImportedDynamics, type ImportFormat, type RecordSource } from './import/records.js';
export { AUM_COLUMNS, INTERCHANGE_FORMAT, INTERCHANGE_VERSION, interchangeHeader, parseAumRecords, parseCartography, parseInterchange } from './import/formats.js';
export { parseMatrixCsv, parseMatrixJson, type MatrixOptions } from './import/matrix.js';
export type { Source, SourceLines, SourceText } from './import/sources.js';
