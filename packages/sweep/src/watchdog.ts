// Runs on a thread of its own, so it fires even while the cell's main thread is busy training.
const WATCHDOG = `
const first = process.ppid;
setInterval(() => {
  if (process.ppid !== first) process.kill(process.pid, 'SIGKILL');
}, 250);
`;

const PRELOAD = `import { Worker } from 'node:worker_threads'; new Worker(${JSON.stringify(WATCHDOG)}, { eval: true }).unref();`;

/**
 * Node options that make a cell process die within a second of its parent (the runner), whatever
 * killed the parent: a preloaded module starts a thread that polls the parent pid and kills the
 * process when it changes (the orphan was re-parented). Preloaded, so it guards the cell from its
 * first moment, before its own modules load. Put them before the cell's script in its node
 * arguments. Checkpoints and result files are written atomically, so dying anywhere is safe.
 */
export const WATCHDOG_NODE_ARGS: readonly string[] = ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`];
