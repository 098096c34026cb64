export { parseSlurmOptions, SlurmConfigError, type SlurmOptions } from './options.js';
export { PREEMPTED, SLURM_EXIT_FILE, slurmScript } from './script.js';
export { submitToSlurm, type SlurmSubmission, type SlurmSubmitOptions } from './submit.js';
export { slurmStatus, type CellState, type CellStatus } from './status.js';
export { readJobs, type SubmittedJob } from './jobs.js';
