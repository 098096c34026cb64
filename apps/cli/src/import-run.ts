import { mkdirSync } from 'node:fs';
import { runFiles, SAMPLE_TABLES, writeFileAtomic } from '@mgdl/io';
import { perSampleCsv, rankByForgetting, type Analysis, type DataMap, type AumResult, type El2nResult, type History } from '@mgdl/forgetting';
import {
  AUM_TABLE,
  DATA_MAP_TABLE,
  EL2N_TABLE,
  forgettingSection,
  gitSha,
  NAMES_TABLE,
  noiseDetection,
  packageVersions,
  RANKING_TABLE,
  runWriter,
  sampleScoresCsv,
  scaleTracesOf,
  writeRunParams,
  writeTable,
  type RunEvent,
  type SampleScoreRow,
} from '@mgdl/report';

/** Everything `mgdl analyze` knows about one imported history. */
export interface AnalysisInput {
  /** The format, in words, named in the report. */
  source: string;
  files: readonly string[];
  history: History;
  analysis: Analysis;
  /** How the meso-scale groups were made. */
  mesoNote: string;
  names?: readonly string[];
  /** The source's own step numbers, when they are not 0…T−1. */
  steps?: readonly number[];
  dataMap?: DataMap;
  aum?: AumResult;
  el2n?: El2nResult;
  /** The label each sample was trained on, when the records carry labels. */
  labels?: ReadonlyMap<number, number>;
  /** Per-sample scores with clean labels (`--clean-labels`): written to samples/scores.csv, ranked in metrics.json. */
  scoreRows?: readonly SampleScoreRow[];
}

/**
 * Writes a run directory (the layout of @mgdl/report's runFiles, as a training run's recorder
 * writes it) from an imported history, so `buildReport` draws the same report as for an mgdl run:
 * params.json naming the source, metrics.json's `forgetting` section, traces.json (M, F, M/F and
 * the three scales), samples/forgetting.csv, data-map.csv, aum.csv, el2n.csv, ranking.csv and
 * names.csv, and events.jsonl with the per-step training accuracy (and loss, from logits).
 */
export function writeImportRun(dir: string, input: AnalysisInput): void {
  const { history, analysis } = input;
  const files = runFiles(dir);
  mkdirSync(files.samplesDir, { recursive: true });
  const note = `Imported by mgdl analyze from ${input.source}: ${input.files.join(', ')}. Series '${history.series}', ${history.steps} steps. Meso scale: ${input.mesoNote}.`;
  const params = {
    config: { command: 'mgdl analyze', source: input.source, files: input.files, series: history.series, ...(input.steps ? { sourceSteps: [input.steps[0], input.steps.at(-1)] } : {}) },
    seed: 0,
    epochs: history.steps,
    batchesPerEpoch: 0,
    datasetNote: note,
    packages: packageVersions(['@mgdl/forgetting', '@mgdl/report']),
    git: gitSha(),
    created: new Date().toISOString(),
  };
  writeRunParams(files.params, params);
  writeFileAtomic(files.events, eventLines(history));
  const recorder = runWriter({ dir, config: params.config, tensorboard: false });
  const name = (id: number) => input.names?.[id] ?? String(id);
  recorder.writeSamples(SAMPLE_TABLES.forgetting, perSampleCsv(analysis));
  if (input.names) writeTable(dir, NAMES_TABLE, input.names.map((n, id) => ({ id, name: n })));
  // Most forgotten first; never-learned samples count as forgotten infinitely often (Toneva et al.).
  const ranking = rankByForgetting(analysis.perSample, analysis.steps);
  const ranked = Array.from(ranking.ids, (id) => ({ id, p: history.positionOf(id) })).reverse();
  const s = analysis.perSample;
  writeTable(dir, RANKING_TABLE, ranked.map(({ id, p }, r) => ({ rank: r + 1, id, name: name(id), forgettingEvents: s.forgettingEvents[p]!, learningEvents: s.learningEvents[p]!, set: (['', 'S1', 'S2', 'S3'] as const)[s.set[p]!]! })));
  if (input.dataMap) {
    const m = input.dataMap;
    writeTable(dir, DATA_MAP_TABLE, Array.from(m.ids, (id, i) => ({ id, confidence: m.confidence[i]!, variability: m.variability[i]!, correctness: m.correctness[i]!, region: m.regionNames[m.region[i]!]! })));
  }
  const { aum, el2n } = input;
  if (aum) writeTable(dir, AUM_TABLE, Array.from(aum.ids, (id, i) => ({ id, aum: aum.aum[i]!, epochs: aum.epochs[i]! })));
  if (el2n) writeTable(dir, EL2N_TABLE, Array.from(el2n.ids, (id, i) => ({ id, el2n: el2n.score[i]!, epochs: el2n.epochs[i]! })));
  recorder.writeTraces(scaleTracesOf(analysis, history, name));
  if (input.scoreRows) {
    recorder.writeSamples(SAMPLE_TABLES.scores, sampleScoresCsv(input.scoreRows));
    const detection = noiseDetection(input.scoreRows);
    if (detection) recorder.summarize('noiseDetection', detection);
  }
  recorder.summarize('forgetting', forgettingSection({ series: history.series, analysis }));
  writeFileAtomic(files.importNote, `${note}\nWritten by mgdl analyze; open the report with: mgdl report ${dir}\n`);
}

/** Per step: the share of samples correct (train/accuracy) and, when recorded, the mean loss (train/loss). */
function eventLines(history: History): string {
  const events: RunEvent[] = [];
  const loss = history.float('loss');
  const now = Date.now() / 1000;
  for (let t = 0; t < history.steps; t++) {
    let correct = 0;
    let observed = 0;
    let lossSum = 0;
    let lossCount = 0;
    for (let p = 0; p < history.samples; p++) {
      const seen = (history.observedWords()[t * history.rowWords + (p >>> 5)]! >>> (p & 31)) & 1;
      if (!seen) continue;
      observed++;
      correct += history.correct(p, t);
      const value = loss?.[t * history.samples + p];
      if (value !== undefined && Number.isFinite(value)) {
        lossSum += value;
        lossCount++;
      }
    }
    if (observed > 0) events.push({ wall_time: now, step: t, epoch: t, tag: 'train/accuracy', value: correct / observed });
    if (lossCount > 0) events.push({ wall_time: now, step: t, epoch: t, tag: 'train/loss', value: lossSum / lossCount });
  }
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}
