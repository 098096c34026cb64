/** The pid of the runner that started a cell, set by the local executor: a cell whose parent is not (or no longer) it dies at once. */
export const PARENT_PID_VARIABLE = 'MGDL_SWEEP_PARENT';

// Runs on a thread of its own, so it fires even while the cell's main thread is busy training. The
// parent to watch is the runner's pid when the local executor gave it (a parent that died before
// this line ran is caught at once), else the parent seen now (Slurm's step, which outlives no one).
const WATCHDOG = `
const given = Number(process.env.${PARENT_PID_VARIABLE});
const parent = given > 0 ? given : process.ppid;
const check = () => { if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL'); };
check();
setInterval(check, 200);
`;

// The first check runs here, before the cell's own modules: a runner that died before the cell started means no cell at all.
const PRELOAD = `import { Worker } from 'node:worker_threads'; const given = Number(process.env.${PARENT_PID_VARIABLE}); if (given > 0 && process.ppid !== given) process.kill(process.pid, 'SIGKILL'); new Worker(${JSON.stringify(WATCHDOG)}, { eval: true }).unref();`;

/**
 * Node options that make a cell process die within a second of its parent (the runner), whatever
 * killed the parent: a preloaded module starts a thread that polls the parent pid and kills the
 * process when it changes (the orphan was re-parented). Preloaded, so it guards the cell from its
 * first moment, before its own modules load (or tsx compiles them). Put them first in its node
 * arguments. Checkpoints and result files are written atomically, so dying anywhere is safe.
 */
export const WATCHDOG_NODE_ARGS: readonly string[] = ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`];
