/** Files the runner reads or writes in each cell directory. */
export const DONE_FILE = 'done.json';
/** The cell's identity (resolved config and its fingerprint), written before it first starts. */
export const IDENTITY_FILE = 'identity.json';
export const FAILED_FILE = 'failed.json';
export const METRICS_FILE = 'metrics.json';
export const STDOUT_LOG = 'stdout.log';
export const STDERR_LOG = 'stderr.log';

/** A child's stdout line starting with this is reported as a `progress` event (the rest of the line). */
export const PROGRESS_MARKER = '@@progress';
