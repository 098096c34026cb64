import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes through a temporary file in the same directory, flushed to disk, then renamed over the
 * target: a reader (or a crash) sees the old file or the new one, never half of either.
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
    throw error;
  }
}
