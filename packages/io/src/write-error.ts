/**
 * A write that failed, named by the file meant (not its temporary file), with the cause in words
 * and the fix; `code` and `path` are those of the fs error it wraps (its `cause`), the path being
 * the target's.
 */
export class FileWriteError extends Error {
  readonly code: string | undefined;
  readonly path: string;

  constructor(path: string, cause: NodeJS.ErrnoException) {
    super(describeWriteFailure(path, cause), { cause });
    this.name = 'FileWriteError';
    this.code = cause.code;
    this.path = path;
  }
}

/** What a failed write says to a person: the path, the cause in words, and the fix. */
export function describeWriteFailure(path: string, error: NodeJS.ErrnoException): string {
  const cause =
    error.code === 'ENOSPC' || error.code === 'EDQUOT'
      ? 'no space left on the device: free some space'
      : error.code === 'EROFS'
        ? 'the file system is read-only: write somewhere writable'
        : error.code === 'EACCES' || error.code === 'EPERM'
          ? 'no permission to write it: fix its permissions, or write somewhere you may'
          : error.message;
  return `cannot write ${path} (${cause})`;
}
