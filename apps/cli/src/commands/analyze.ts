import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileAtomic } from '@mgdl/io';
import { analyze, HistoryError, parseSeries, perSampleCsv, SERIES, summarize, type Analysis, type Series } from '@mgdl/forgetting';
import { readGroupsFile, readHistoryFile } from '@mgdl/forgetting/node';
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

export function analyzeCommand(): Command {
  return new Command('analyze')
    .argument('<history>', 'correctness history: CSV (rows = samples, columns = steps, 0/1; optional id column with a header) or mgdl binary')
    .description('forgetting statistics of a history recorded anywhere: S1/S2/S3, forgetting events, M, F, M/F at system (and meso) scale')
    .option('--json', 'print one JSON object: samples, steps, S1, S2, S3, M, F, ratio, events, unforgettable')
    .option('--groups <file>', 'meso-scale groups: CSV of id,group')
    .option('--out <dir>', 'write per-sample.csv (and system.csv, meso.csv) there')
    .option('--window <w>', 'trailing window for the settled M/F: fraction of steps or a number of steps', fraction, 0.2)
    .option('--series <name>', `what a CSV history's steps are: ${SERIES.join(' | ')} (binary files say it themselves; 'sweep' is a deprecated name of inference-pass)`, seriesOption, 'presentation' as Series)
    .addOption(new Option('--initial <state>', 'state before the first step').choices(['unlearned', 'first-observation']).default('unlearned'))
    .action((file: string, options: { json?: boolean; groups?: string; out?: string; series: Series; window: number; initial: 'unlearned' | 'first-observation' }) => {
      const history = readHistoryFile(file, { series: options.series });
      // An empty history reads back fine (the format allows it), but there is nothing to analyse.
      if (history.samples === 0) throw new HistoryError('no samples: the file has no rows of 0/1 values', { file }, 'expected one row per sample, one column per step, optionally under a header line');
      const groups = options.groups ? readGroupsFile(options.groups, history) : undefined;
      const analysis = analyze(history, { initial: options.initial, window: options.window, ...(groups ? { groups } : {}) });
      if (options.out) writeOutputs(options.out, analysis);
      console.log(options.json ? JSON.stringify(summarize(analysis)) : formatAnalysis(file, analysis));
    });
}

const show = (x: number | null, digits = 4) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits));

function formatAnalysis(file: string, a: Analysis): string {
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
  return `${file}\n${formatTable(['statistic', 'value'], rows)}`;
}

function writeOutputs(dir: string, a: Analysis): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'per-sample.csv'), perSampleCsv(a));
  const trace = (t: Analysis['system']) => Array.from(t.M, (m, i) => `${i},${t.s3[i]},${csvNumber(m)},${csvNumber(t.F[i]!)},${csvNumber(t.ratio[i]!)}`);
  writeFileAtomic(join(dir, 'system.csv'), ['step,s3,M,F,ratio', ...trace(a.system)].join('\n') + '\n');
  if (a.meso) {
    writeFileAtomic(join(dir, 'meso.csv'), ['group,step,s3,M,F,ratio', ...a.meso.flatMap((g, gi) => trace(g).map((line) => `${gi},${line}`))].join('\n') + '\n');
  }
}

const csvNumber = (x: number) => (Number.isNaN(x) ? '' : Number.isFinite(x) ? String(x) : 'inf');
