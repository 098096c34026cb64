import { LockHeldError } from '@mgdl/io';
import { CellIdentityError } from '@mgdl/sweep';

/** Says what went wrong in words a user can act on: a file-system code names the path and the cause. */
export function describeError(error: unknown): string {
  const { code, path, message } = error as NodeJS.ErrnoException;
  if (code === 'EROFS') return `${path ?? 'the runs directory'} is on a read-only file system: choose a writable folder with --runs-dir DIR`;
  if (code === 'EACCES' || code === 'EPERM') return `no permission to write ${path ?? 'the runs directory'}: choose a folder you can write with --runs-dir DIR, or fix its permissions`;
  if (code === 'ENOSPC') return `no space left on the device holding ${path ?? 'the runs directory'}: free some, or choose another --runs-dir`;
  if (error instanceof CellIdentityError) {
    return `${message}\nthis run directory holds results of another config, so nothing was started. Either give the new config its own run with --name NEW, or discard those cells with --fresh.`;
  }
  if (error instanceof LockHeldError) return `${message}: another runner is using this run directory. Wait for it, or run under another --name.`;
  return message;
}
