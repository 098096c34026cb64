import { program } from './program.js';

try {
  await program().parseAsync(process.argv);
  // The threaded wasm backend's workers would keep the event loop alive after the command is done.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  process.stderr.write(`mgdl: ${(error as Error).message}\n`);
  if (process.env["MGDL_DEBUG"]) console.error(error);
  process.exit(1);
}
