import { describeWriteFailure } from '@mgdl/io';
import { program } from './program.js';

// Calls that only write: their failure is a write failure, named with the path and the fix.
const WRITES = new Set(['mkdir', 'write', 'rename', 'link', 'symlink', 'unlink', 'rmdir', 'copyfile', 'fsync', 'ftruncate']);

try {
  await program().parseAsync(process.argv);
  // The threaded wasm backend's workers would keep the event loop alive after the command is done.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  const { syscall, path, message } = error as NodeJS.ErrnoException;
  process.stderr.write(`mgdl: ${syscall && path && WRITES.has(syscall) ? describeWriteFailure(path, error as NodeJS.ErrnoException) : message}\n`);
  if (process.env["MGDL_DEBUG"]) console.error(error);
  process.exit(1);
}
