export { combine, exploratory, holmAdjust, type Judgement, type Outcome, type SeedPoint, type SeedValue, type Statistic, type TestResult } from './judgement.js';
export { describeJudgement, PROCEDURE } from './describe.js';
export { judgeTrend, judgeTrendAlongEpochs } from './trend.js';
export { judgeInteriorMinimum, judgePairedDifference, type SeedDifference } from './paired.js';
export { judgeSeedEffect } from './seed-effect.js';
export { readVerdictFile, verdictFileSchema, VERDICT_FILE, writeVerdictFile, type StoredJudgement, type VerdictFile } from './file.js';
