import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileWriteError } from './write-error.js';

/**
 * Writes through a temporary file in the same directory, flushed to disk, then renamed over the
 * target: a reader (or a crash) sees the old file or the new one, never half of either. A failure
 * (a full disk, a read-only one, no permission) removes the temporary file and throws a
 * FileWriteError naming `path`, the cause and the fix.
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents;
  let fd: number | undefined;
  try {
    fd = openSync(partial, 'wx');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(partial, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(partial, { force: true });
    throw new FileWriteError(path, error as NodeJS.ErrnoException);
  }
}

/** The temporary files writeFileAtomic names: `<target>.<pid>.<8 hex>.partial`. */
const PARTIAL = /\.\d+\.[0-9a-f]{8}\.partial$/;

/**
 * Deletes the temporary files that writes cut short (a kill between write and rename) left under
 * `dir`, and returns their paths. Call it only while no process writes there (e.g. holding the run's lock).
 */
export function removeLeftoverPartials(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed = entries.filter((entry) => entry.isFile() && PARTIAL.test(entry.name)).map((entry) => join(entry.parentPath, entry.name));
  for (const path of removed) rmSync(path, { force: true });
  return removed;
}
