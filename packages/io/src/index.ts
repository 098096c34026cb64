export { removeLeftoverPartials, writeFileAtomic } from './write-atomic.js';
export { acquireLock, LockHeldError, withFileLock, FileLockTimeoutError, type AcquireLockOptions, type FileLockOptions, type LockOwner } from './file-lock.js';
export { describeWriteFailure, FileWriteError } from './write-error.js';
