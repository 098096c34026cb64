import type { PendingCell } from '../plan.js';
import type { SlurmOptions } from './options.js';

/** Exit status a cell uses when it stopped on the scheduler's warning with a checkpoint to resume from. */
export const PREEMPTED = 75;
/** Written by each task when its cell exits: `{ code, task, finishedAt }`. */
export const SLURM_EXIT_FILE = 'slurm-exit.json';

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface ScriptInput {
  jobName: string;
  cells: readonly PendingCell[];
  options: SlurmOptions;
  /** Where sbatch writes each task's own output (the cells' logs go to their directories). */
  logDir: string;
  /** The working directory the cell commands expect (the runner's). */
  cwd: string;
}

/**
 * One array job for a sweep: task i runs exactly the command the local pool would run for cell i,
 * in the same cell directory, with MGDL_THREADS = its cores. The batch shell forwards USR1 (sent
 * `signalSeconds` before the time limit) and TERM to the cell, which checkpoints and exits; a
 * requeued task or the next submission resumes it. A task that cannot see its cell directory fails
 * saying that run directories must be on a file system the nodes share.
 */
export function slurmScript({ jobName, cells, options, logDir, cwd }: ScriptInput): string {
  const cpus = options.cpusPerTask ?? 1;
  const sbatch = [
    `--job-name=${jobName}`,
    `--array=0-${cells.length - 1}${options.throttle ? `%${options.throttle}` : ''}`,
    `--cpus-per-task=${cpus}`,
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.account ? [`--account=${options.account}`] : []),
    ...(options.qos ? [`--qos=${options.qos}`] : []),
    `--signal=B:USR1@${options.signalSeconds ?? 120}`,
    '--requeue',
    `--output=${logDir}/%A_%a.out`,
  ].map((option) => `#SBATCH ${option}`);
  const extra = (options.extra ?? []).map((line) => (line.startsWith('#SBATCH') ? line : `#SBATCH ${line}`));
  const tasks = cells.map((cell, i) => {
    const env = Object.entries({ ...cell.command.env, MGDL_THREADS: String(cpus) }).map(([k, v]) => `${k}=${quote(v)}`);
    return `  ${i}) cell=${quote(cell.cellDir)}; command=(env ${[...env, quote(cell.command.file), ...cell.command.args.map(quote)].join(' ')}) ;;`;
  });
  return `#!/bin/bash
${[...sbatch, ...extra].join('\n')}
# mgdl sweep: ${cells.length} cell(s), one array task each.
set -u
case "$SLURM_ARRAY_TASK_ID" in
${tasks.join('\n')}
  *) echo "mgdl: no cell for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;
esac
if [ ! -d "$cell" ]; then
  echo "mgdl: array task $SLURM_ARRAY_TASK_ID on $(hostname) cannot see its cell directory $cell: run directories must be on a file system every node shares (a home or project folder, not /tmp)" >&2
  exit 2
fi
cd ${quote(cwd)}
"\${command[@]}" >> "$cell/stdout.log" 2>> "$cell/stderr.log" < /dev/null &
child=$!
trap 'kill -USR1 $child 2>/dev/null' USR1
trap 'kill -TERM $child 2>/dev/null' TERM
# wait returns early when a trapped signal arrives: wait again until the cell has checkpointed and exited.
while true; do
  wait "$child"; code=$?
  kill -0 "$child" 2>/dev/null || break
done
printf '{"code": %d, "task": "%s", "finishedAt": "%s"}\\n' "$code" "\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$cell/${SLURM_EXIT_FILE}.partial" && mv "$cell/${SLURM_EXIT_FILE}.partial" "$cell/${SLURM_EXIT_FILE}"
exit "$code"
`;
}
