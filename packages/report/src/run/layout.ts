import { join } from 'node:path';

/**
 * The run directory, one per training run:
 *   params.json          resolved config, seed, backend, package versions, git sha (atomic)
 *   events.jsonl         one JSON line per value: {wall_time, step, epoch, tag, value} (append-only)
 *   metrics.json         the final summary, DVC-readable (atomic, rewritten each epoch)
 *   metrics/<tag>.csv    step,epoch,value per tag (append-only; '/' in tags becomes '__')
 *   samples/<name>.csv   per-sample tables from statistics plugins (scores.csv: every per-sample score)
 *   samples/gallery.json the pixels or text of the samples the report's gallery shows
 *   traces.json          named series for the report (e.g. element/meso/system M/F per epoch)
 *   tensorboard/         TensorBoard event files
 *   checkpoints/         the kernel's checkpoints
 */
export const runFiles = (dir: string) => ({
  params: join(dir, 'params.json'),
  events: join(dir, 'events.jsonl'),
  metrics: join(dir, 'metrics.json'),
  tagDir: join(dir, 'metrics'),
  tagCsv: (tag: string) => join(dir, 'metrics', `${tag.replaceAll('/', '__')}.csv`),
  samplesDir: join(dir, 'samples'),
  samples: (name: string) => join(dir, 'samples', `${name}.csv`),
  gallery: join(dir, 'samples', 'gallery.json'),
  traces: join(dir, 'traces.json'),
  tensorboard: join(dir, 'tensorboard'),
  checkpoints: join(dir, 'checkpoints'),
});

export interface RunEvent {
  wall_time: number;
  step: number;
  epoch: number;
  tag: string;
  value: number;
}
