export { writeFileAtomic } from './write-atomic.js';
export { withFileLock, FileLockTimeoutError, type FileLockOptions } from './file-lock.js';
