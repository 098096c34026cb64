import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileAtomic } from '@mgdl/io';
import { analyze, FORMAT_DESCRIPTIONS, HistoryError, IMPORT_FORMATS, parseGroups, parseSeries, perSampleCsv, SERIES, summarize, type Analysis, type History, type ImportFormat, type Series } from '@mgdl/forgetting';
import { detectFormat, fileHead, isBinaryHistory, readDynamics, readGroupsFile, readHistoryFile } from '@mgdl/forgetting/node';
import { buildReport, NAMES_TABLE, noiseDetection, tableCsv, type NoiseDetection } from '@mgdl/report';
import { writeImportRun, type AnalysisInput } from '../import-run.js';
import { importScoreRows, readCleanLabels } from '../noise-scores.js';
import { formatTable } from '../table.js';

const fraction = (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`--window must be a fraction in (0, 1) or a number of steps ≥ 1, got '${value}'`);
  return n;
};

const seriesOption = (value: string): Series => {
  try {
    return parseSeries(value, '--series');
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

interface AnalyzeOptions {
  json?: boolean;
  groups?: string;
  out?: string;
  series?: Series;
  window: number;
  initial: 'unlearned' | 'first-observation';
  format?: ImportFormat;
  header?: boolean;
  report?: string;
  title?: string;
  mesoSize: number;
  cleanLabels?: string;
  cleanLabelsComplete?: boolean;
}

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1)) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
};

export function analyzeCommand(): Command {
  return new Command('analyze')
    .argument('<files...>', 'training dynamics: a 0/1 correctness matrix (CSV or JSON), an mgdl binary history, mgdl interchange JSONL, cartography dynamics_epoch_N.jsonl files (or their folder), or AUM full_aum_records.csv')
    .description('forgetting statistics of training dynamics recorded anywhere: S1/S2/S3, forgetting events, M, F, M/F at system (and meso) scale; data maps, AUM and EL2N when scores were recorded; --report draws the HTML report of a run')
    .addOption(new Option('--format <format>', `the files' format (default: detected from names and first lines): ${IMPORT_FORMATS.map((f) => `${f} = ${FORMAT_DESCRIPTIONS[f]}`).join('; ')}`).choices([...IMPORT_FORMATS]))
    .option('--header', 'matrix CSV: line 1 is a header (step names); default: detected, and said when it was')
    .option('--no-header', 'matrix CSV: line 1 is data')
    .option('--json', 'print one JSON object: samples, steps, S1, S2, S3, M, F, ratio, events, unforgettable')
    .option('--groups <file>', 'meso-scale groups: CSV of id,group (default with --report: consecutive ids in groups of --meso-size)')
    .option('--meso-size <n>', 'with --report and no --groups: meso-scale groups of this many samples in id order', positiveInteger, 128)
    .option('--out <dir>', 'write per-sample.csv (and system.csv, meso.csv) there; with --report, also the run directory the report is drawn from')
    .option('--report <file>', 'write the HTML report of the imported history (the report of a run directory: data map, forgetting counts, S1/S2/S3, M/F at three scales, ranking), creating missing folders')
    .option('--title <text>', 'report title (default: the input file names and their format)')
    .option('--clean-labels <file>', 'CSV of id,label: each sample\'s true class; with the trained labels the records carry (logits or probabilities), ranks how well each score (forgetting count, AUM, confidence, EL2N, …) finds the mislabelled samples: ROC-AUC, average precision, precision@k')
    .option('--clean-labels-complete', 'with --clean-labels: fail (exit 2) unless the file gives a clean label for every sample; without it, a file covering only some samples is scored on those, with a warning')
    .option('--window <w>', 'trailing window for the settled M/F: fraction of steps or a number of steps', fraction, 0.2)
    .option('--series <name>', `what the steps are: ${SERIES.join(' | ')} (default: what the format implies, presentation for matrices; binary files say it themselves; 'sweep' is a deprecated name of inference-pass)`, seriesOption)
    .addOption(new Option('--initial <state>', 'state before the first step').choices(['unlearned', 'first-observation']).default('unlearned'))
    .action(async function (this: Command, files: string[], options: AnalyzeOptions) {
      // --header/--no-header: three-valued, so only a flag given on the command line counts.
      const header = this.getOptionValueSource('header') === 'cli' ? options.header : undefined;
      if (options.cleanLabelsComplete && !options.cleanLabels) {
        process.stderr.write('mgdl analyze: --clean-labels-complete checks the file of --clean-labels: give it with --clean-labels FILE\n');
        process.exitCode = 2;
        return;
      }
      const input = readInput(files, options, header);
      const { analysis } = input;
      const labels = options.cleanLabels ? readBothLabels(input, options.cleanLabels) : undefined;
      const clean = labels?.clean;
      if (clean && clean.size < input.history.samples) {
        const counts = `clean labels cover ${count(clean.size)} of ${count(input.history.samples)} samples`;
        if (options.cleanLabelsComplete) {
          process.stderr.write(`mgdl analyze: ${options.cleanLabels}: ${counts}, and --clean-labels-complete asks for all of them: add the missing ids to the file, or drop --clean-labels-complete to score noise detection on those ${count(clean.size)}\n`);
          process.exitCode = 2;
          return;
        }
        process.stderr.write(`mgdl analyze: ${counts}: noise detection is scored on those ${count(clean.size)} (${options.cleanLabels}; --clean-labels-complete makes this an error)\n`);
      }
      const detection = labels ? withScores(input, labels) : undefined;
      if (options.out) writeOutputs(options.out, analysis, input.names);
      if (options.report) await writeReport(options.report, input, options, files);
      for (const note of input.notes) process.stderr.write(`mgdl analyze: ${note}\n`);
      if (options.json) console.log(JSON.stringify(options.cleanLabels ? { ...summarize(analysis), noiseDetection: detection ?? null } : summarize(analysis)));
      else console.log(formatAnalysis(files.join(' '), analysis, input.source) + (options.cleanLabels ? `\n\n${formatNoiseDetection(detection)}` : ''));
    });
}

/** Reads the files (a legacy binary or non-text file through readHistoryFile) and analyses them. */
function readInput(files: string[], options: AnalyzeOptions, header: boolean | undefined): AnalysisInput & { notes: string[] } {
  let history: History;
  let input: Omit<AnalysisInput, 'history' | 'analysis' | 'mesoNote'> & { notes: string[] };
  const fast = !options.format && header === undefined && files.length === 1 && !isDirectory(files[0]!) ? fastMatrix(files[0]!, options.series) : undefined;
  if (!options.format && files.length === 1 && isBinary(files[0]!)) {
    history = readHistoryFile(files[0]!, options.series ? { series: options.series } : {});
    input = { source: "mgdl's binary history format", files, notes: [] };
  } else if (fast) {
    history = fast.history;
    input = { source: FORMAT_DESCRIPTIONS['matrix-csv'].replace(/ \(.*$/, ''), files, notes: fast.notes };
  } else {
    const imported = readDynamics(files, { ...(options.format ? { format: options.format } : {}), ...(options.series ? { series: options.series } : {}), ...(header !== undefined ? { header } : {}) });
    const { recorder } = imported;
    history = recorder.history();
    input = {
      source: FORMAT_DESCRIPTIONS[imported.format].replace(/ \(.*$/, ''),
      files: imported.files,
      notes: imported.notes,
      ...(imported.names ? { names: imported.names } : {}),
      ...(imported.steps.some((s, t) => s !== t) ? { steps: imported.steps } : {}),
      ...(recorder.dataMap() ? { dataMap: recorder.dataMap()! } : {}),
      ...(recorder.aum() ? { aum: recorder.aum()! } : {}),
      ...(recorder.el2n() ? { el2n: recorder.el2n()! } : {}),
      ...(imported.labels ? { labels: imported.labels } : {}),
    };
  }
  refuseNonFinite(input, files);
  // An empty history reads back fine (the format allows it), but there is nothing to analyse.
  if (history.samples === 0) throw new HistoryError('no samples: the file has no rows of 0/1 values', { file: files.join(', ') }, 'expected one row per sample, one column per step, optionally under a header line');
  let groups = options.groups ? readGroups(options.groups, history, input.names) : undefined;
  let mesoNote = options.groups ? `groups from ${options.groups}` : 'none';
  if (!groups && options.report) {
    const order = Int32Array.from(history.ids).sort();
    groups = Array.from({ length: Math.ceil(order.length / options.mesoSize) }, (_, g) => order.slice(g * options.mesoSize, (g + 1) * options.mesoSize));
    mesoNote = `consecutive sample ids in groups of ${options.mesoSize} (--meso-size; --groups for your own partition)`;
  }
  const analysis = analyze(history, { initial: options.initial, window: options.window, ...(groups ? { groups } : {}) });
  return { ...input, history, analysis, mesoNote };
}

/**
 * A plain 0/1 CSV with integer ids (the common large case) through readHistoryFile, which reads
 * rows in place as they stream from disk: several times faster and far smaller than the general
 * importer, which reads anything else (string ids, true/false) and names the first bad cell when
 * this one refuses the file.
 */
function fastMatrix(file: string, series: Series | undefined): { history: History; notes: string[] } | undefined {
  try {
    if (detectFormat([file]) !== 'matrix-csv' || isBinary(file)) return undefined;
    const history = readHistoryFile(file, series ? { series } : {});
    if (history.samples === 0) return undefined;
    const head = new TextDecoder().decode(fileHead(file, 8)).replace(/^\uFEFF/, '').slice(0, 2);
    const headerDetected = !(head.startsWith('0') || head.startsWith('1'));
    return { history, notes: headerDetected ? [`line 1 of ${file} read as a header (detected; say --no-header if it is data)`] : [] };
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Meso-scale groups from an id,group CSV; with string ids, the first column may name samples by their names. */
function readGroups(file: string, history: History, names: readonly string[] | undefined): Int32Array[] {
  if (!names) return readGroupsFile(file, history);
  const idOf = new Map(names.map((name, id) => [name, id]));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${(error as Error).message}`, { file });
  }
  const translated = text
    .split(/\r?\n/)
    .map((line) => {
      const comma = line.indexOf(',');
      const id = comma < 0 ? undefined : idOf.get(line.slice(0, comma).trim());
      return id === undefined ? line : `${id}${line.slice(comma)}`;
    })
    .join('\n');
  return parseGroups(translated, history, file);
}

/** mgdl's binary history, or bytes that are not UTF-8 text (or hold NUL) in the file's first 64 KiB. */
function isBinary(file: string): boolean {
  let head: Uint8Array;
  try {
    head = fileHead(file, 64 * 1024);
  } catch {
    return false; // a folder (cartography) or a missing file: the importer says which
  }
  if (isBinaryHistory(head)) return true;
  try {
    // stream: a character cut by the 64 KiB boundary is not an error.
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }).includes('\0');
  } catch {
    return true;
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The labels trained on (from the records) and the clean labels of `file`. */
function readBothLabels(input: AnalysisInput, file: string): { trained: ReadonlyMap<number, number>; clean: ReadonlyMap<number, number> } {
  if (!input.labels) {
    throw new HistoryError(`${input.source} records carry no labels`, { file }, '--clean-labels needs the labels the samples were trained on: mgdl JSONL or cartography files with logits or probabilities carry them; correctness matrices and AUM records do not');
  }
  return { trained: input.labels, clean: readCleanLabels(file, input) };
}

/** Adds the per-sample score rows (for the report) and returns which score finds the mislabelled samples. */
function withScores(input: AnalysisInput, { trained, clean }: ReturnType<typeof readBothLabels>): NoiseDetection | undefined {
  input.scoreRows = importScoreRows(input, trained, clean);
  return noiseDetection(input.scoreRows);
}

function formatNoiseDetection(result: NoiseDetection | undefined): string {
  if (!result) return 'noise detection: no sample is mislabelled (or every one is) by the clean labels: nothing to rank';
  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  return [
    `noise detection: ${result.noisy} of ${result.samples} samples mislabelled (a random ranking scores average precision and precision@${result.k} ≈ ${result.prevalence.toFixed(3)})`,
    formatTable(['score', 'ROC-AUC', 'avg precision', `precision@${result.k}`], result.scores.map((s) => [s.label, fmt(s.auc), fmt(s.averagePrecision), fmt(s.precisionAtK)])),
  ].join('\n');
}

/** The input files by name, as the report calls the run: "a.csv", "a.csv, b.csv", "a, b, c and 4 more". */
function inputLabel(files: readonly string[], shown = 3): string {
  const names = files.map((file) => basename(resolve(file)));
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

async function writeReport(path: string, input: AnalysisInput, options: AnalyzeOptions, files: readonly string[]): Promise<void> {
  const keep = Boolean(options.out);
  const dir = options.out ? resolve(options.out, 'run') : mkdtempSync(join(tmpdir(), 'mgdl-analyze-run-'));
  const name = inputLabel(files);
  try {
    writeImportRun(dir, input);
    // Named after the files imported: a temporary run folder is gone by the time the page is read.
    const report = await buildReport([dir], { title: options.title ?? `mgdl report: ${name} (${input.source})`, runNames: [name] });
    for (const run of report.runs) for (const problem of run.problems) process.stderr.write(`mgdl analyze: ${problem}\n`);
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileAtomic(resolve(path), report.html);
    process.stderr.write(`mgdl analyze: report ${resolve(path)}${keep ? `, run directory ${dir}` : ''}\n`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const show = (x: number | null, digits = 4) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits));

function formatAnalysis(file: string, a: Analysis, source: string): string {
  const s = summarize(a);
  const settled = a.settled.system;
  const rows = [
    ['samples', String(s.samples)],
    ['steps', `${s.steps} (${a.series})`],
    ['S1 never learned', String(s.S1)],
    ['S2 unforgettable', String(s.S2)],
    ['S3 forgotten ≥ once', String(s.S3)],
    ['forgetting events', String(s.events)],
    ['learning events', String(a.learningEvents)],
    ['M (last step, over S3)', show(s.M)],
    ['F (last step, over S3)', show(s.F)],
    ['M/F (last step)', show(s.ratio)],
    [`M/F settled (steps ${settled.window.from}–${settled.window.to - 1})`, `${show(settled.value)} ± ${show(settled.amplitude)}`],
    ['regime', a.regime],
  ];
  if (a.settled.meso) rows.push([`M/F settled, meso (${a.meso!.length} groups)`, `${show(a.settled.meso.value.value)} (between-group std ${show(a.settled.meso.value.std)})`]);
  return `${file} (${source})\n${formatTable(['statistic', 'value'], rows)}`;
}

function writeOutputs(dir: string, a: Analysis, names?: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'per-sample.csv'), perSampleCsv(a));
  // The same table as an imported run's samples/names.csv, beside the other outputs.
  if (names) writeFileAtomic(join(dir, `${NAMES_TABLE.name}.csv`), tableCsv(NAMES_TABLE, names.map((name, id) => ({ id, name }))));
  const trace = (t: Analysis['system']) => Array.from(t.M, (m, i) => `${i},${t.s3[i]},${csvNumber(m)},${csvNumber(t.F[i]!)},${csvNumber(t.ratio[i]!)}`);
  writeFileAtomic(join(dir, 'system.csv'), ['step,s3,M,F,ratio', ...trace(a.system)].join('\n') + '\n');
  if (a.meso) {
    writeFileAtomic(join(dir, 'meso.csv'), ['group,step,s3,M,F,ratio', ...a.meso.flatMap((g, gi) => trace(g).map((line) => `${gi},${line}`))].join('\n') + '\n');
  }
}

const csvNumber = (x: number) => (Number.isNaN(x) ? '' : Number.isFinite(x) ? String(x) : 'inf');

/**
 * Finite logits can still give a non-finite score (±1.7e308: their difference overflows): refused,
 * naming the sample, rather than written into the CSVs and the report as NaN or Infinity.
 */
function refuseNonFinite(input: Pick<AnalysisInput, 'dataMap' | 'aum' | 'el2n' | 'names'>, files: readonly string[]): void {
  const scores: [string, Int32Array | undefined, ArrayLike<number> | undefined][] = [
    ['AUM', input.aum?.ids, input.aum?.aum],
    ['EL2N', input.el2n?.ids, input.el2n?.score],
    ['data-map confidence', input.dataMap?.ids, input.dataMap?.confidence],
    ['data-map variability', input.dataMap?.ids, input.dataMap?.variability],
  ];
  for (const [name, ids, values] of scores) {
    if (!ids || !values) continue;
    for (let i = 0; i < ids.length; i++) {
      if (Number.isFinite(values[i]!)) continue;
      const sample = input.names?.[ids[i]!] ?? String(ids[i]);
      throw new HistoryError(`sample ${JSON.stringify(sample)}: its ${name} is ${values[i]} although its logits are finite (values this large overflow when subtracted or exponentiated)`, { file: files.join(', ') }, 'rescale the logits (e.g. divide by a constant) or log probabilities instead');
    }
  }
}
