export { removeLeftoverPartials, writeFileAtomic } from './write-atomic.js';
export { acquireLock, LockHeldError, withFileLock, FileLockTimeoutError, type AcquireLockOptions, type FileLockOptions, type LockOwner } from './file-lock.js';
export { describeWriteFailure, FileWriteError } from './write-error.js';
export { CELL_FILE_NAMES, CHECKPOINT_FILE_NAMES, EXPERIMENT_FILE_NAMES, experimentFiles, runFiles, SAMPLE_TABLES, type RunFiles, type SampleTable } from './run-layout.js';
