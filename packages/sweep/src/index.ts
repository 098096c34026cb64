export { expandGrid, type SweepCell } from './grid.js';
export { CellIdentityError, runSweep, type SweepEvent, type SweepFailure, type SweepOptions, type SweepResult } from './run-sweep.js';
export { canonicalJson, fingerprintOf, type CellIdentity } from './identity.js';
export { doneProblem, type DoneRecord } from './certify.js';
export { WATCHDOG_NODE_ARGS } from './watchdog.js';
export type { CellCommand } from './run-cell.js';
export { collectResults, type CellResult } from './collect.js';
export { DONE_FILE, FAILED_FILE, IDENTITY_FILE, METRICS_FILE, PROGRESS_MARKER, STDERR_LOG, STDOUT_LOG } from './files.js';
