import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
import { perSampleCsv, rankByForgetting, summarize, type Analysis, type DataMap, type AumResult, type El2nResult, type History } from '@mgdl/forgetting';
import { gitSha, noiseDetection, packageVersions, runFiles, runWriter, sampleScoresCsv, scaleTracesOf, type RunEvent, type SampleScoreRow } from '@mgdl/report';

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
  mkdirSync(join(dir, 'samples'), { recursive: true });
  const files = runFiles(dir);
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
  writeFileAtomic(files.params, `${JSON.stringify(params, null, 2)}\n`);
  writeFileAtomic(files.events, eventLines(history));
  const recorder = runWriter({ dir, config: params.config, tensorboard: false });
  const name = (id: number) => input.names?.[id] ?? String(id);
  recorder.writeSamples('forgetting', perSampleCsv(analysis));
  if (input.names) recorder.writeSamples('names', `id,name\n${input.names.map((n, id) => `${id},${csvCell(n)}`).join('\n')}\n`);
  // Most forgotten first; never-learned samples count as forgotten infinitely often (Toneva et al.).
  const ranking = rankByForgetting(analysis.perSample, analysis.steps);
  const rows = Array.from(ranking.ids, (id, r) => ({ id, count: ranking.counts[r]!, p: history.positionOf(id) })).reverse();
  recorder.writeSamples(
    'ranking',
    `rank,id,name,forgetting_events,learning_events,set\n${rows.map(({ id, p }, r) => `${r + 1},${id},${csvCell(name(id))},${analysis.perSample.forgettingEvents[p]},${analysis.perSample.learningEvents[p]},${['', 'S1', 'S2', 'S3'][analysis.perSample.set[p]!]}`).join('\n')}\n`,
  );
  if (input.dataMap) {
    const m = input.dataMap;
    recorder.writeSamples('data-map', `id,confidence,variability,correctness,region\n${Array.from(m.ids, (id, i) => `${id},${m.confidence[i]},${m.variability[i]},${m.correctness[i]},${m.regionNames[m.region[i]!]}`).join('\n')}\n`);
  }
  if (input.aum) recorder.writeSamples('aum', `id,aum,epochs\n${Array.from(input.aum.ids, (id, i) => `${id},${input.aum!.aum[i]},${input.aum!.epochs[i]}`).join('\n')}\n`);
  if (input.el2n) recorder.writeSamples('el2n', `id,el2n,epochs\n${Array.from(input.el2n.ids, (id, i) => `${id},${input.el2n!.score[i]},${input.el2n!.epochs[i]}`).join('\n')}\n`);
  recorder.writeTraces(scaleTracesOf(analysis, history, name));
  if (input.scoreRows) {
    recorder.writeSamples('scores', sampleScoresCsv(input.scoreRows));
    const detection = noiseDetection(input.scoreRows);
    if (detection) recorder.summarize('noiseDetection', detection);
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  recorder.summarize('forgetting', {
    series: history.series,
    ...summarize(analysis),
    settledRatio: finite(analysis.settled.system.value),
    settledAmplitude: finite(analysis.settled.system.amplitude),
    ...(analysis.settled.meso ? { mesoSettledRatio: finite(analysis.settled.meso.value.value) } : {}),
    regime: analysis.regime,
  });
  writeFileSync(join(dir, 'README.txt'), `${note}\nWritten by mgdl analyze; open the report with: mgdl report ${dir}\n`);
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

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
