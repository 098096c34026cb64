export { runRecorder, type RunRecorder, type RunRecorderOptions } from './run/recorder.js';
export { runFiles, type RunEvent } from './run/layout.js';
export { gitSha, packageVersions } from './run/params.js';
export { buildReport, type ReportOptions, type ReportResult } from './html/report.js';
export { figureHtml, tableHtml, type Figure, type Section } from './html/page.js';
export { loadRun, type LoadedRun } from './html/load.js';
export { escapeHtml } from './html/escape.js';
export * from './tensorboard/index.js';
export * from './plots/index.js';
