import { join } from 'node:path';

/*
 * The one owner of the names of every file a run writes. It lives in @mgdl/io, the package every
 * writer and reader already depends on (the sweep runner, the kernel, the report, the experiment
 * framework, the experiments and the CLI), so that no package spells a run file's name itself.
 * Each file's type, writer and reader are listed in docs/run-files.md.
 */

/** Names inside a cell directory: one training run (`<run>/cells/<cell>`, or a single run's directory). */
export const CELL_FILE_NAMES = {
  /** The resolved config, seed, backend, package versions and git sha (atomic, once). */
  params: 'params.json',
  /** One JSON line per value: {wall_time, step, epoch, tag, value} (append-only). */
  events: 'events.jsonl',
  /** The final summary, DVC-readable (atomic, rewritten each epoch). */
  metrics: 'metrics.json',
  /** `<tag>.csv` per tag: step,epoch,value (append-only; '/' in tags becomes '__'). */
  tagDir: 'metrics',
  /** Per-sample tables `<name>.csv` (see SAMPLE_TABLES) and the gallery. */
  samplesDir: 'samples',
  /** Inside samplesDir: the pixels or text of the samples the report's gallery shows. */
  gallery: 'gallery.json',
  /** Named series for the report (element/meso/system M/F per epoch). */
  traces: 'traces.json',
  tensorboard: 'tensorboard',
  /** The kernel's checkpoints (its manifest and data files: CHECKPOINT_FILE_NAMES). */
  checkpoints: 'checkpoints',
  /** The run in mgdl's interchange format, for `mgdl analyze` (only when asked for). */
  interchange: 'dynamics.jsonl',
  /** Imported runs: where `mgdl analyze` took the history from, in words. */
  importNote: 'README.txt',
  /** A single run's own HTML page (a grid's cells write none). */
  report: 'report.html',
  /** The sweep runner's marker that the cell finished and passed its check. */
  done: 'done.json',
  /** The cell's identity (resolved config and its fingerprint), written before it first starts. */
  identity: 'identity.json',
  /** Why the cell's last attempt failed. */
  failed: 'failed.json',
  stdout: 'stdout.log',
  stderr: 'stderr.log',
} as const;

/** The per-sample tables of a cell's `samples/` folder, by what they hold (file name without `.csv`). */
export const SAMPLE_TABLES = {
  /** Per-sample forgetting statistics (@mgdl/forgetting's perSampleCsv). */
  forgetting: 'forgetting',
  /** Every per-sample score, labels and noise flags. */
  scores: 'scores',
  /** Imported runs: data-map coordinates per sample. */
  dataMap: 'data-map',
  /** Imported runs: samples ranked by forgetting events. */
  ranking: 'ranking',
  /** Imported runs: area under the margin per sample. */
  aum: 'aum',
  /** Imported runs: EL2N per sample. */
  el2n: 'el2n',
  /** Imported runs: each id's name in the source. */
  names: 'names',
} as const;

export type SampleTable = (typeof SAMPLE_TABLES)[keyof typeof SAMPLE_TABLES];

/** Names inside the kernel's checkpoints folder. */
export const CHECKPOINT_FILE_NAMES = {
  manifest: 'checkpoint.json',
  /** The manifest before the latest: what a resume falls back to when the latest is damaged. */
  previousManifest: 'checkpoint-previous.json',
} as const;

/** Names inside an experiment's run directory (`<runs dir>/<app>/<run name>`), around its cells. */
export const EXPERIMENT_FILE_NAMES = {
  /** The resolved config the cells beside it were run with. */
  config: 'config.json',
  /** What the run concluded, over which cells. */
  verdict: 'verdict.json',
  report: 'report.html',
  /** The report's figures as SVG files. */
  figures: 'figures',
  /** The cells (`cells/<cell>`, or `cells/<stage>/<cell>` for staged experiments). */
  cells: 'cells',
  /** Held while a process runs the experiment. */
  lock: 'run.lock',
  /** Slurm scripts and logs (`slurm/`, or `slurm/<stage>/`). */
  slurm: 'slurm',
} as const;

/** The paths of a cell directory's files. */
export const runFiles = (dir: string) => ({
  params: join(dir, CELL_FILE_NAMES.params),
  events: join(dir, CELL_FILE_NAMES.events),
  metrics: join(dir, CELL_FILE_NAMES.metrics),
  tagDir: join(dir, CELL_FILE_NAMES.tagDir),
  tagCsv: (tag: string) => join(dir, CELL_FILE_NAMES.tagDir, `${tag.replaceAll('/', '__')}.csv`),
  samplesDir: join(dir, CELL_FILE_NAMES.samplesDir),
  samples: (name: string) => join(dir, CELL_FILE_NAMES.samplesDir, `${name}.csv`),
  gallery: join(dir, CELL_FILE_NAMES.samplesDir, CELL_FILE_NAMES.gallery),
  traces: join(dir, CELL_FILE_NAMES.traces),
  tensorboard: join(dir, CELL_FILE_NAMES.tensorboard),
  checkpoints: join(dir, CELL_FILE_NAMES.checkpoints),
  interchange: join(dir, CELL_FILE_NAMES.interchange),
  importNote: join(dir, CELL_FILE_NAMES.importNote),
  report: join(dir, CELL_FILE_NAMES.report),
  done: join(dir, CELL_FILE_NAMES.done),
  identity: join(dir, CELL_FILE_NAMES.identity),
  failed: join(dir, CELL_FILE_NAMES.failed),
  stdout: join(dir, CELL_FILE_NAMES.stdout),
  stderr: join(dir, CELL_FILE_NAMES.stderr),
});

export type RunFiles = ReturnType<typeof runFiles>;

/** The paths of an experiment's run directory's own files. */
export const experimentFiles = (dir: string) => ({
  config: join(dir, EXPERIMENT_FILE_NAMES.config),
  verdict: join(dir, EXPERIMENT_FILE_NAMES.verdict),
  report: join(dir, EXPERIMENT_FILE_NAMES.report),
  figures: join(dir, EXPERIMENT_FILE_NAMES.figures),
  cells: join(dir, EXPERIMENT_FILE_NAMES.cells),
  lock: join(dir, EXPERIMENT_FILE_NAMES.lock),
  slurm: join(dir, EXPERIMENT_FILE_NAMES.slurm),
});
