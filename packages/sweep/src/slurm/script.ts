import type { CellJob } from '../group.js';
import type { SlurmOptions } from './options.js';

/** Exit status a cell uses when it stopped on the scheduler's warning with a checkpoint to resume from. */
export const PREEMPTED = 75;
/** Written by each task when its cell exits: `{ code, task, finishedAt }`. */
export const SLURM_EXIT_FILE = 'slurm-exit.json';

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface ScriptInput {
  jobName: string;
  /** Task i runs tasks[i]: one cell, or a group of cells trained together in one process. */
  tasks: readonly CellJob[];
  options: SlurmOptions;
  /** Where sbatch writes each task's own output (the cells' logs go to their directories). */
  logDir: string;
  /** The working directory the cell commands expect (the runner's). */
  cwd: string;
}

/**
 * One array job for a sweep: task i runs exactly the command the local pool would run for its cell
 * (or its group of cells trained together), with MGDL_THREADS = its cores. A group writes to its
 * first cell's logs while it runs; when it ends, what it wrote is appended to the other members'
 * logs and every member gets the task's exit record, so each cell ends as the local pool leaves it.
 * The batch shell forwards USR1 (sent `signalSeconds` before the time limit) and TERM to the cell,
 * which checkpoints and exits; a requeued task or the next submission resumes it. A task that cannot see its cell directory fails
 * saying that run directories must be on a file system the nodes share.
 */
export function slurmScript({ jobName, tasks, options, logDir, cwd }: ScriptInput): string {
  const cpus = options.cpusPerTask ?? 1;
  const sbatch = [
    `--job-name=${jobName}`,
    `--array=0-${tasks.length - 1}${options.throttle ? `%${options.throttle}` : ''}`,
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
  const cases = tasks.map(({ members, command }, i) => {
    const env = Object.entries({ ...command.env, MGDL_THREADS: String(cpus) }).map(([k, v]) => `${k}=${quote(v)}`);
    return `  ${i}) cells=(${members.map((cell) => quote(cell.cellDir)).join(' ')}); command=(env ${[...env, quote(command.file), ...command.args.map(quote)].join(' ')}) ;;`;
  });
  const cellCount = tasks.reduce((n, task) => n + task.members.length, 0);
  return `#!/bin/bash
${[...sbatch, ...extra].join('\n')}
# mgdl sweep: ${cellCount} cell(s) in ${tasks.length} array task(s) (a group of cells trained together is one task).
set -u
case "$SLURM_ARRAY_TASK_ID" in
${cases.join('\n')}
  *) echo "mgdl: no cell for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;
esac
cell="\${cells[0]}"
if [ ! -d "$cell" ]; then
  echo "mgdl: array task $SLURM_ARRAY_TASK_ID on $(hostname) cannot see its cell directory $cell: run directories must be on a file system every node shares (a home or project folder, not /tmp)" >&2
  exit 2
fi
cd ${quote(cwd)}
bytes() { { wc -c < "$1"; } 2> /dev/null || echo 0; }
out_from=$(bytes "$cell/stdout.log"); err_from=$(bytes "$cell/stderr.log")
"\${command[@]}" >> "$cell/stdout.log" 2>> "$cell/stderr.log" < /dev/null &
child=$!
trap 'kill -USR1 $child 2>/dev/null' USR1
trap 'kill -TERM $child 2>/dev/null' TERM
# wait returns early when a trapped signal arrives: wait again until the cell has checkpointed and exited.
while true; do
  wait "$child"; code=$?
  kill -0 "$child" 2>/dev/null || break
done
for other in "\${cells[@]:1}"; do
  tail -c +$((out_from + 1)) "$cell/stdout.log" >> "$other/stdout.log"
  tail -c +$((err_from + 1)) "$cell/stderr.log" >> "$other/stderr.log"
done
finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for cell in "\${cells[@]}"; do
  printf '{"code": %d, "task": "%s", "finishedAt": "%s"}\\n' "$code" "\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" "$finished" > "$cell/${SLURM_EXIT_FILE}.partial" && mv "$cell/${SLURM_EXIT_FILE}.partial" "$cell/${SLURM_EXIT_FILE}"
done
exit "$code"
`;
}
