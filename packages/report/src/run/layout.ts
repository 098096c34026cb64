/**
 * The cell directory's paths are @mgdl/io's `runFiles` (the one owner of every run file's name,
 * listed with each file's writer and reader in docs/run-files.md); re-exported here, where they were first.
 */
export { runFiles } from '@mgdl/io';

/** One line of events.jsonl. */
export interface RunEvent {
  wall_time: number;
  step: number;
  epoch: number;
  tag: string;
  value: number;
}
