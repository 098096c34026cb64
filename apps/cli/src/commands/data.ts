import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  classHistogram,
  datasetNames,
  loadDataset,
  sampleCount,
  verifyFiles,
  writeSyntheticDataset,
  withLabelNoise,
  type Dataset,
  type NoiseKind,
  type ProgressEvent,
  type SourceOptions,
  type SyntheticDatasetName,
  type VerifyRow,
} from '@mgdl/datasets';
import { positiveInt } from '../options.js';
import { formatTable } from '../table.js';

interface SourceFlags {
  dataDir?: string;
  cacheDir?: string;
  offline?: boolean;
  verify: boolean;
}

function sourceOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'folder with the dataset files, e.g. DIR/mnist/*.gz (default: env MGDL_DATA_DIR; this option replaces it)')
    .option('--cache-dir <dir>', 'download cache (env MGDL_CACHE; default $XDG_CACHE_HOME/mgdl or ~/.cache/mgdl)')
    .option('--offline', 'never download (env MGDL_OFFLINE=1)');
}

const toSourceOptions = (flags: SourceFlags): SourceOptions => ({
  dataDir: flags.dataDir,
  cacheDir: flags.cacheDir,
  offline: flags.offline,
  verify: flags.verify,
  onProgress: progressPrinter(),
});

/** Download progress on stderr, at most every half second per file. */
function progressPrinter(): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    if (event.type === 'download-progress') {
      if (Date.now() - last < 500) return;
      last = Date.now();
      const total = event.bytes ? ` of ${(event.bytes / 1e6).toFixed(1)} MB` : '';
      process.stderr.write(`  ${event.url}: ${(event.received / 1e6).toFixed(1)} MB${total}\n`);
    } else if (event.type === 'download-start') process.stderr.write(`downloading ${event.url}\n`);
    else if (event.type === 'download-failed') process.stderr.write(`  failed: ${event.url}: ${event.reason}\n`);
    else if (event.type === 'waiting-for-lock') process.stderr.write(`waiting for another process (${event.owner}) to finish ${event.file}\n`);
  };
}

function parseNoise(value: string): { kind: NoiseKind; p: number } {
  const [kind, rate] = value.split(':');
  const p = Number(rate);
  if ((kind !== 'symmetric' && kind !== 'pair') || rate === undefined || !(p >= 0 && p < 1)) {
    throw new InvalidArgumentError(`--noise must be KIND:P with KIND symmetric or pair and P in [0, 1), e.g. symmetric:0.2; got '${value}'`);
  }
  return { kind, p };
}

const integer = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer, got '${value}'`);
  return n;
};

export function dataCommand(): Command {
  const data = new Command('data').description('check and describe the datasets mgdl can load');

  sourceOptions(data.command('verify'))
    .description('check every known dataset file where loaders would find it: size and published checksum (never downloads)')
    .option('--json', 'print the rows as JSON')
    .action(async (flags: SourceFlags & { json?: boolean }) => {
      const rows = await verifyFiles({ dataDir: flags.dataDir, cacheDir: flags.cacheDir, offline: true });
      console.log(flags.json ? JSON.stringify(rows, null, 2) : formatVerifyRows(rows));
      const bad = rows.filter((r) => r.status === 'bad');
      if (bad.length > 0) {
        process.stderr.write(`mgdl: ${bad.length} file(s) do not match their published checksum: ${bad.map((r) => r.path).join(', ')}\n`);
        process.exitCode = 1;
      }
    });

  sourceOptions(data.command('info').argument('<name>', `dataset: ${datasetNames.join(', ')}`))
    .description('load a dataset split and print counts, shapes, class histogram and (with --noise) the label-noise summary')
    .addOption(new Option('--split <split>', 'split').choices(['train', 'test']).default('train'))
    .addOption(new Option('--labels <labels>', 'TREC labels').choices(['coarse', 'fine']).default('coarse'))
    .option('--noise <kind:p>', 'inject label noise, e.g. symmetric:0.2 or pair:0.4', parseNoise)
    .option('--noise-seed <n>', 'seed of the label noise', integer('--noise-seed'), 0)
    .addOption(new Option('--noise-mode <mode>', 'exact round(p·n) flips or per-sample Bernoulli').choices(['exact', 'bernoulli']).default('exact'))
    .option('--no-verify', 'skip size and checksum checks of the files read')
    .option('--json', 'print the summary as JSON')
    .action(async (name: string, flags: SourceFlags & { split: 'train' | 'test'; labels: 'coarse' | 'fine'; noise?: { kind: NoiseKind; p: number }; noiseSeed: number; noiseMode: 'exact' | 'bernoulli'; json?: boolean }) => {
      if (!datasetNames.includes(name)) throw new InvalidArgumentError(`unknown dataset '${name}'; known: ${datasetNames.join(', ')}`);
      const started = Date.now();
      let dataset = await loadDataset(name, { ...toSourceOptions(flags), split: flags.split, labels: flags.labels });
      if (flags.noise) dataset = withLabelNoise(dataset, { ...flags.noise, seed: flags.noiseSeed, mode: flags.noiseMode });
      const summary = summarize(dataset, Date.now() - started);
      console.log(flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
    });

  data
    .command('synthetic')
    .argument('<name>', `dataset to imitate: ${SYNTHETIC.join(', ')}`)
    .description('write a small learnable stand-in for a dataset in its published file format, to try experiments without the download (load it with --no-verify: its checksums are not the published ones)')
    .requiredOption('--out <dir>', 'data folder to write DIR/<name>/ into (pass it as --data-dir)')
    .option('--train <n>', 'training samples', positiveInt('--train'), 1000)
    .option('--test <n>', 'test samples', positiveInt('--test'), 500)
    .option('--seed <n>', 'seed of the content', integer('--seed'), 0)
    .action((name: string, flags: { out: string; train: number; test: number; seed: number }) => {
      if (!(SYNTHETIC as readonly string[]).includes(name)) throw new InvalidArgumentError(`no synthetic '${name}'; there are: ${SYNTHETIC.join(', ')}`);
      const dir = writeSyntheticDataset(resolve(flags.out), name as SyntheticDatasetName, { train: flags.train, test: flags.test }, flags.seed);
      console.log(`${dir}: synthetic ${name}, ${flags.train} train and ${flags.test} test samples (use --data-dir ${flags.out} --no-verify)`);
    });

  return data;
}

const SYNTHETIC = ['mnist', 'fashion-mnist', 'trec'] as const satisfies readonly SyntheticDatasetName[];

function summarize(dataset: Dataset, loadMs: number) {
  const clean = dataset.noise ? classHistogram(dataset, dataset.noise.cleanLabels) : undefined;
  return {
    name: dataset.name,
    split: dataset.split,
    kind: dataset.kind,
    samples: sampleCount(dataset),
    sampleShape: dataset.sampleShape,
    classes: dataset.classNames.length,
    histogram: Object.fromEntries(dataset.classNames.map((c, i) => [c, classHistogram(dataset)[i]!])),
    ...(clean ? { cleanHistogram: Object.fromEntries(dataset.classNames.map((c, i) => [c, clean[i]!])) } : {}),
    // `mgdl data info` injects noise (--noise); known clean labels come only from a user's own loader.
    ...(dataset.noise && dataset.noise.kind !== 'known' ? { noise: { kind: dataset.noise.kind, p: dataset.noise.p, seed: dataset.noise.seed, mode: dataset.noise.mode, flipped: dataset.noise.flipped } } : {}),
    ...(dataset.vocabulary ? { vocabularySize: dataset.vocabulary.size } : {}),
    normalization: dataset.normalization,
    sources: dataset.sources.map((s) => ({ path: s.member ? `${s.path}:${s.member}` : s.path, where: s.where, bytes: s.bytes, verified: s.verified })),
    loadMs,
  };
}

function formatSummary(s: ReturnType<typeof summarize>): string {
  const lines = [
    `${s.name} ${s.split}: ${s.samples} samples of shape [${s.sampleShape.join(', ')}] (${s.kind}), ${s.classes} classes, loaded in ${s.loadMs} ms`,
  ];
  if (s.vocabularySize !== undefined) lines.push(`vocabulary: ${s.vocabularySize} tokens (from the training split)`);
  if (s.normalization) lines.push(`normalisation: mean ${s.normalization.mean.join(', ')}, std ${s.normalization.std.join(', ')}`);
  if (s.noise) lines.push(`label noise: ${s.noise.kind}, p = ${s.noise.p}, seed ${s.noise.seed}, ${s.noise.mode}: ${s.noise.flipped} of ${s.samples} labels flipped (${((100 * s.noise.flipped) / s.samples).toFixed(2)}%)`);
  const header = s.cleanHistogram ? ['class', 'clean', 'noisy'] : ['class', 'samples'];
  const rows = Object.entries(s.histogram).map(([c, n]) => (s.cleanHistogram ? [c, String(s.cleanHistogram[c]), String(n)] : [c, String(n)]));
  lines.push(formatTable(header, rows));
  lines.push('files:', ...s.sources.map((f) => `  ${f.path} (${f.where}, ${f.bytes} bytes, ${f.verified ? 'checksum ok' : 'not verified'})`));
  return lines.join('\n');
}

function formatVerifyRows(rows: VerifyRow[]): string {
  const table = formatTable(
    ['dataset', 'file', 'status', 'where', 'bytes', 'detail'],
    rows.map((r) => [r.dataset, r.file, r.status.toUpperCase(), r.path ?? '-', r.bytes === undefined ? '-' : String(r.bytes), r.detail]),
  );
  const count = (status: VerifyRow['status']) => rows.filter((r) => r.status === status).length;
  return `${table}\n${count('ok')} ok, ${count('bad')} bad, ${count('missing')} missing`;
}
