import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { forgettingStatistics } from '@mgdl/forgetting';
import { readCheckpoint, writeCheckpoint } from '@mgdl/kernel';
import {
  averagePrecision,
  buildReport,
  chooseBins,
  galleryIds,
  gallerySelection,
  histogram,
  lineChart,
  noiseDetection,
  precisionAtK,
  readEventFile,
  readGallery,
  readRunMetrics,
  readSampleScores,
  renderSvg,
  rocAuc,
  runFiles,
  runWriter,
  RunFileError,
  sampleScoresCsv,
  thumbnailDataUri,
  withPointTitles,
  dataMapSvg,
  type SampleScoreRow,
} from '../src/index.js';
import { writeFakeRun } from './fixtures/fake-run.js';
import { ensureTensorBoardPython } from './tensorboard-python.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-samples-'));

/** A seeded stream in [0, 1) for the randomised cross-checks (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mann–Whitney by counting every (positive, negative) pair: wins 1, ties ½. */
function pairwiseAuc(values: number[], positive: boolean[]): number {
  let [wins, pairs] = [0, 0];
  values.forEach((v, i) => {
    if (!positive[i]) return;
    values.forEach((w, j) => {
      if (positive[j]) return;
      pairs++;
      wins += v > w ? 1 : v === w ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('which score finds the noisy labels: the measures', () => {
  it('match hand-worked values without ties', () => {
    const values = [0.9, 0.8, 0.7, 0.6, 0.5];
    const positive = [false, true, true, false, false];
    // Positives at ranks 2 and 3 of 5: each beats the two negatives below it, 4 of 6 pairs.
    expect(rocAuc(values, positive)).toBeCloseTo(4 / 6, 15);
    // Rank 2: precision 1/2 at recall 1/2; rank 3: precision 2/3 at recall 1 → ½·½ + ½·⅔ = 7/12.
    expect(averagePrecision(values, positive)).toBeCloseTo(7 / 12, 15);
    expect(precisionAtK(values, positive, 2)).toBe(1 / 2);
    expect(precisionAtK(values, positive, 3)).toBe(2 / 3);
  });

  it('count ties one half (AUC), enter tied samples together (AP) and average a straddling tie (precision@k)', () => {
    const values = [1, 1, 0, 0];
    const positive = [true, false, true, false];
    // Pairs: (p@1, n@1) tie ½, (p@1, n@0) win 1, (p@0, n@1) loss, (p@0, n@0) tie ½ → 2/4.
    expect(rocAuc(values, positive)).toBe(0.5);
    // Threshold 1: precision ½, recall ½; threshold 0: precision ½, recall 1 → ½·½ + ½·½.
    expect(averagePrecision(values, positive)).toBe(0.5);
    // The top slot goes to one of the two tied samples, one of which is positive.
    expect(precisionAtK(values, positive, 1)).toBe(0.5);
    expect(rocAuc([3, 2, 1], [true, true, true])).toBeNaN();
    expect(() => precisionAtK(values, positive, 0)).toThrow(RangeError);
  });

  it('agree with the pairwise Mann–Whitney count on random data with ties', () => {
    const next = random(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(next() * 60);
      const values = Array.from({ length: n }, () => Math.floor(next() * 8));
      const positive = values.map((v) => next() < 0.2 + v * 0.05);
      if (!positive.includes(true) || !positive.includes(false)) continue;
      expect(rocAuc(values, positive)).toBeCloseTo(pairwiseAuc(values, positive), 12);
    }
  });

  it('ranks each score by how well it finds the noisy rows, oriented as the literature uses it', () => {
    const row = (id: number, noisy: boolean, aum: number, forgetting: number, set: 1 | 2 | 3 = 3): SampleScoreRow => ({
      id, label: 0, clean: noisy ? 1 : 0, noisy, set, forgetting, firstLearned: set === 1 ? null : 0, aum,
      confidence: null, variability: null, correctness: null, el2n: null, finalLoss: null,
    });
    // AUM: noisy lowest → AUC 1. Forgetting: noisy ids 0 (S1 = ∞) and 1 (count 1) vs clean counts 2, 0, 0 →
    // pairs: id0 beats 3; id1 beats 2 of 3 → 5/6.
    const rows = [row(0, true, -3, 0, 1), row(1, true, -2, 1), row(2, false, 1, 2), row(3, false, 2, 0), row(4, false, 3, 0, 2)];
    const result = noiseDetection(rows)!;
    expect(result).toMatchObject({ samples: 5, noisy: 2, k: 2, prevalence: 0.4 });
    expect(result.scores.map((s) => s.score)).toEqual(['aum', 'forgetting', 'first_learned']);
    expect(result.scores[0]).toMatchObject({ auc: 1, averagePrecision: 1, precisionAtK: 1 });
    expect(result.scores[1]!.auc).toBeCloseTo(5 / 6, 15);
    expect(noiseDetection(rows.map((r) => ({ ...r, noisy: null })))).toBeUndefined();
    expect(noiseDetection(rows.map((r) => ({ ...r, noisy: false })))).toBeUndefined();
  });
});

const someRows = (): SampleScoreRow[] =>
  Array.from({ length: 40 }, (_, id) => ({
    id,
    label: id % 4,
    clean: id % 10 === 0 ? (id + 1) % 4 : id % 4,
    noisy: id % 10 === 0,
    set: (id % 10 === 0 ? 1 : id % 3 === 0 ? 2 : 3) as 1 | 2 | 3,
    forgetting: id % 10 === 0 ? 0 : id % 3 === 0 ? 0 : id % 5,
    firstLearned: id % 10 === 0 ? null : id % 7,
    aum: id % 10 === 0 ? -1 - id / 100 : 1 + (id % 5) / 10,
    confidence: id % 10 === 0 ? 0.1 : 0.8,
    variability: (id % 9) / 20,
    correctness: id % 10 === 0 ? 0 : 0.9,
    el2n: id % 10 === 0 ? 1.2 : 0.3,
    finalLoss: id % 10 === 0 ? 3 : 0.1 + id / 1000,
  }));

describe('samples/scores.csv and samples/gallery.json', () => {
  it('reads back every value the writer wrote, unknowns as null', () => {
    const dir = tmp();
    const rows = someRows();
    rows[3]!.aum = null;
    rows[4]!.noisy = null;
    writeFileSync(join(dir, 'scores.csv'), sampleScoresCsv(rows));
    expect(readSampleScores(join(dir, 'scores.csv'))).toEqual(rows);
  });

  it('names the file, line and column of a bad cell', () => {
    const dir = tmp();
    const path = join(dir, 'scores.csv');
    writeFileSync(path, sampleScoresCsv(someRows().slice(0, 2)).replace('\n1,1,', '\n1,x,'));
    let error: unknown;
    try {
      readSampleScores(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RunFileError);
    expect((error as RunFileError).message).toBe(`${path}: field 'label': line 3: label is "x", expected an integer`);
  });

  it('selects each gallery group in its order', () => {
    const selection = gallerySelection(someRows(), 3);
    // S3 by forgetting count (4 at ids 4, 14, 19, 29, 34…), ties by id.
    expect(selection.mostForgotten).toEqual([4, 14, 19]);
    // S1 (ids 0, 10, 20, 30) lowest AUM first: -1.3 at id 30.
    expect(selection.neverLearned).toEqual([30, 20, 10]);
    // S2 (ids ≡ 0 mod 3, not mod 10) earliest learned: first_learned = id % 7 → 21 (0), 15 and 36 (1), 9 (2)…
    expect(selection.unforgettable).toEqual([21, 15, 36]);
    expect(selection.mostAmbiguous).toEqual([8, 17, 26]);
    expect(galleryIds(selection)).toEqual([4, 8, 10, 14, 15, 17, 19, 20, 21, 26, 30, 36]);
  });

  it('encodes a thumbnail as a PNG data URI that decodes to the pixels, scaled by whole pixels', async () => {
    const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const uri = await thumbnailDataUri(pixels, [2, 3, 3], 6);
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    const image = decode(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
    expect([image.width, image.height, image.channels]).toEqual([6, 4, 3]);
    // Pixel (x=5, y=3) of the 2× image is pixel (x=2, y=1) of the original: bytes 15..17.
    const at = (3 * 6 + 5) * 3;
    expect(Array.from(image.data.slice(at, at + 3))).toEqual([150, 160, 170]);
    await expect(thumbnailDataUri(pixels, [2, 3, 2])).rejects.toThrow(RangeError);
  });
});

/** A fake run with per-sample scores, a gallery of 4×4 grey images and noise-detection metrics. */
function writeScoredRun(dir: string, grid: Record<string, unknown> = {}): void {
  writeFakeRun(dir, { epochs: 4, grid });
  const writer = runWriter({ dir, config: {}, tensorboard: false });
  const rows = someRows();
  writer.writeSamples('scores', sampleScoresCsv(rows));
  writer.writeGallery({
    kind: 'image',
    classNames: ['zero', 'one', 'two', 'three'],
    shape: [4, 4, 1],
    samples: galleryIds(gallerySelection(rows)).map((id) => ({ id, pixels: Buffer.from(new Uint8Array(16).fill(id * 6)).toString('base64') })),
  });
  // A second writer would rewrite metrics.json from its own (empty) state: add the section by hand.
  const metrics = JSON.parse(readFileSync(runFiles(dir).metrics, 'utf8'));
  writeFileSync(runFiles(dir).metrics, JSON.stringify({ ...metrics, noiseDetection: noiseDetection(rows) }));
}

describe('the report of a run with per-sample scores', () => {
  it('shows the score table, the per-class table and the gallery with noisy labels marked', async () => {
    const dir = tmp();
    writeScoredRun(dir);
    expect(readRunMetrics(runFiles(dir).metrics).noiseDetection?.scores[0]?.score).toBe('aum');
    expect(readGallery(runFiles(dir).gallery).samples.length).toBeGreaterThan(0);
    const { html } = await buildReport([dir]);
    expect(html).toContain('Which score finds the noisy labels');
    expect(html).toContain('<th>precision@4</th>');
    expect(html).toContain('<h3>Per class</h3>');
    // Class "zero" (label 0): ids 0, 4, …, 36 → 10 samples; S1 = ids 0, 20 (≡ 0 mod 10) → 2.
    expect(html).toMatch(/<tr><td>zero<\/td><td class="num">10<\/td><td class="num">2<\/td>/);
    expect(html).toContain('<h4>Never learned (S1)</h4>');
    expect(html).toContain('label zero <b>noisy</b>, clean one');
    expect((html.match(/<img alt="sample \d+" src="data:image\/png;base64,/g) ?? []).length).toBe(Object.values(gallerySelection(someRows())).flat().length);
    expect(html).not.toMatch(/<script/i);
  });

  it('keeps a 60-run sweep small: fewer data-map points, one gallery, every AUC in the comparison', async () => {
    const root = tmp();
    const dirs = Array.from({ length: 60 }, (_, i) => {
      const dir = join(root, `noise=${i % 2 ? 0.4 : 0.2},width=${(i % 6) + 1},seed=${Math.floor(i / 6)}`);
      writeScoredRun(dir, { noise: i % 2 ? 0.4 : 0.2, width: (i % 6) + 1, seed: Math.floor(i / 6) });
      return dir;
    });
    const { html } = await buildReport(dirs);
    // Against the first swept parameter and every other one.
    expect(html).toContain('Which score finds the noisy labels vs noise');
    expect(html).toContain('Which score finds the noisy labels vs width');
    expect((html.match(/<h4>Most forgotten<\/h4>/g) ?? []).length).toBe(1);
    expect(html).toContain('best noisy-label score');
    expect(html.length).toBeLessThan(1_000_000);
  });
});

describe('polish', () => {
  it('gives integer axes whole-number ticks and a single point a plain label', async () => {
    const svg = await renderSvg(lineChart({ title: 't', x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'loss', title: 'Loss' }], data: [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch })) }));
    const ticks = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toContain('2');
    expect(ticks.some((t) => /^\d+\.\d+$/.test(t!) && ['1.5', '2.5', '1.2', '1.4'].includes(t!))).toBe(false);
    const single = await renderSvg(lineChart({ title: 't', x: { field: 'width', title: 'Width' }, y: [{ field: 'loss', title: 'Loss' }], data: [{ width: 4, loss: 0.5 }] }));
    expect(single).not.toContain('4.000000');
  });

  it('keeps train and test in their colours whichever comes first', async () => {
    const rows = (order: string[]) => order.flatMap((split) => [1, 2].map((epoch) => ({ epoch, split, loss: epoch })));
    const stroke = async (order: string[], split: string) => {
      const svg = await renderSvg(lineChart({ title: 't', x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'loss', title: 'Loss' }], series: 'split', data: rows(order) }));
      const legend = svg.slice(svg.indexOf('role-legend'));
      const at = legend.indexOf(`>${split}</text>`);
      return legend.slice(0, at).match(/stroke="(#[0-9a-fA-F]{6})"/g)!.at(-1);
    };
    expect(await stroke(['train', 'test'], 'test')).toBe(await stroke(['test', 'train'], 'test'));
    expect(await stroke(['test', 'train'], 'train')).toBe('stroke="#0072B2"');
  });

  it('bins forgetting counts one per integer at smoke scale and draws clean and noisy side by side', async () => {
    expect(chooseBins([0, 0, 1, 3], 30).map((b) => b.label)).toEqual(['0', '1', '2', '3']);
    expect(chooseBins([0, 0.5, 1, 1.5], 30).map((b) => b.label)).toEqual(['0–0.5', '0.5–1', '1–1.5']);
    const spec = histogram({ title: 'h', values: [0, 0, 1, 1, 2].map((value, i) => ({ group: i % 2 ? 'noisy' : 'clean', value })), bins: 30 });
    expect(JSON.stringify(spec)).toContain('"xOffset":{"field":"group"');
    const svg = await renderSvg(spec);
    expect(svg).toContain('#56B4E9');
    expect(svg).toContain('#D55E00');
    const one = await renderSvg(histogram({ title: 'h', values: [0, 1].map((value) => ({ group: 'all', value })), bins: 30 }));
    expect(one).not.toContain('>clean<');
    expect(one).not.toContain('>noisy<');
  });

  it('names a web-safe font stack in every SVG, never only the bundled face', async () => {
    const svg = await renderSvg(lineChart({ title: 't', x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'loss', title: 'Loss' }], data: [{ epoch: 1, loss: 1 }] }));
    expect(svg).toContain("<style>text{font-family:'Source Sans 3', 'Source Sans Pro', 'Helvetica Neue', Helvetica, Arial, sans-serif}</style>");
  });

  it('gives each data-map point an SVG <title> with its id and scores', async () => {
    const svg = await dataMapSvg({ points: [{ id: 7, label: 2, noisy: true, forgetting: 3, aum: -0.5, confidence: 0.25, variability: 0.125, correctness: 0.5, region: '' }], tooltips: true });
    expect(svg).toContain('<title>id 7; label 2 (noisy); forgetting 3; AUM -0.500; confidence 0.250; variability 0.125; correctness 0.500</title></path>');
    // The shared opacity sits on the group once; the point keeps its position, shape and colour.
    expect(svg).toMatch(/<g class="mark-symbol role-mark[^"]*" aria-hidden="true" opacity="0.6"><path transform="translate\([\d.]+,[\d.]+\)" d="[^"]+" fill="#[0-9a-f]{6}"><title>/);
    expect(withPointTitles('<g class="mark-symbol role-mark"><path d=""/></g>', ['a', 'b'])).toBe('<g class="mark-symbol role-mark"><path d=""/></g>');
  });
});

describe('TensorBoard histograms of per-sample values', () => {
  let python: string;
  beforeAll(() => {
    python = ensureTensorBoardPython();
  });

  it("writes loss, margin and forgetting-count histograms per epoch that TensorBoard's EventAccumulator finds", () => {
    const dir = tmp();
    const ids = Int32Array.from([0, 1, 2, 3, 4]);
    const stats = forgettingStatistics({ ids });
    const writer = runWriter({ dir, config: {}, forgetting: () => stats.history('presentation') });
    const control = { stop: () => undefined };
    void writer.onRunStart!({ model: undefined as never, epochs: 2, batchesPerEpoch: 1, startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false }, control);
    // Epoch 0: samples 0, 1 right; epoch 1: sample 0 wrong (one forgetting event). Sample 4 is never presented: no count of its own.
    const presented = ids.subarray(0, 4);
    const correct = [Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0])];
    for (const epoch of [0, 1]) {
      const batch = { epoch, step: epoch + 1, batchIndex: 0, ids: presented, meanLoss: 1, terms: {}, learningRate: 0.1, loss: Float32Array.from([0.5, 1, 1.5, 2 + epoch]), margin: Float32Array.from([1, -1, 0.5, -2]), correct: correct[epoch]! };
      stats.onBatchEnd!(batch);
      void writer.onBatchEnd!(batch, control);
      void writer.onEpochEnd!({ epoch, step: epoch + 1, train: { loss: 1, accuracy: 0.5, samples: 4, samplesPerSec: 1, seconds: 1 }, terms: {}, learningRate: 0.1 }, control);
    }
    void writer.onRunEnd!({ epochs: 2, steps: 2, epochMetrics: [], history: [], seconds: 1 });
    const file = join(runFiles(dir).tensorboard, readdirSync(runFiles(dir).tensorboard)[0]!);
    expect(readEventFile(file).length).toBeGreaterThan(1);
    const script = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1], size_guidance={'histograms': 0, 'scalars': 0})
acc.Reload()
tags = acc.Tags()
forgetting = [[h.step, h.histogram_value.max, h.histogram_value.sum, h.histogram_value.num] for h in acc.Histograms('per_sample/forgetting_events')]
loss = [[h.step, h.histogram_value.min, h.histogram_value.max] for h in acc.Histograms('per_sample/loss')]
print(json.dumps({'histograms': sorted(tags['histograms']), 'scalars': sorted(tags['scalars']), 'forgetting': forgetting, 'loss': loss}))
`;
    const result = spawnSync(python, ['-c', script, runFiles(dir).tensorboard], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const found = JSON.parse(result.stdout);
    expect(found.histograms).toEqual(['per_sample/forgetting_events', 'per_sample/loss', 'per_sample/margin']);
    expect(found.scalars).toEqual(expect.arrayContaining(['train/loss', 'train/accuracy']));
    expect(found.forgetting).toEqual([
      [1, 0, 0, 4],
      [2, 1, 1, 4],
    ]);
    expect(found.loss).toEqual([
      [1, 0.5, 2],
      [2, 0.5, 3],
    ]);
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });

  it('keeps counting forgetting events across a resume', () => {
    const dir = tmp();
    const control = { stop: () => undefined };
    const ids = Int32Array.from([0, 1]);
    // The forgetting plugin keeps the history across the resume (in the checkpoint); the writer asks it.
    const run = () => {
      const stats = forgettingStatistics({ ids });
      return { stats, writer: runWriter({ dir, config: {}, forgetting: () => stats.history('presentation') }) };
    };
    const epoch = ({ stats, writer }: ReturnType<typeof run>, e: number, correct: number[]) => {
      const batch = { epoch: e, step: e + 1, batchIndex: 0, ids, meanLoss: 1, terms: {}, learningRate: 0.1, loss: Float32Array.from([1, 1]), margin: Float32Array.from([0, 0]), correct: Uint8Array.from(correct) };
      stats.onBatchEnd!(batch);
      void writer.onBatchEnd!(batch, control);
      void writer.onEpochEnd!({ epoch: e, step: e + 1, train: { loss: 1, samples: 2, samplesPerSec: 1, seconds: 1 }, terms: {}, learningRate: 0.1 }, control);
    };
    const first = run();
    void first.writer.onRunStart!({ model: undefined as never, epochs: 3, batchesPerEpoch: 1, startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false }, control);
    epoch(first, 0, [1, 1]);
    epoch(first, 1, [0, 1]); // sample 0 forgotten once
    // Through a real checkpoint, as a resume gets it (the history's arrays as bytes in the data file).
    const checkpoints = join(dir, 'checkpoints');
    const tally = { lossSum: 0, correct: 0, samples: 0, batches: 0, seconds: 0, termSums: {} };
    const plugins = { [first.stats.name]: first.stats.stateDict!() };
    writeCheckpoint(checkpoints, { epoch: 2, batchIndex: 0, step: 2, seed: 0, randomState: 0, history: [], epochTally: tally, plugins, weights: [], optimizer: { name: 'sgd', scalars: {}, slots: [] } });
    const state = readCheckpoint(checkpoints)!.plugins[first.stats.name];
    void first.writer.onRunError!(new Error('preempted'), { epochs: 2, steps: 2, epochMetrics: [], history: [], seconds: 1 });
    const second = run();
    second.stats.loadStateDict!(state);
    void second.writer.onRunStart!({ model: undefined as never, epochs: 3, batchesPerEpoch: 1, startEpoch: 2, startStep: 2, resumed: true, seed: 0, epochMetrics: [], history: [], inferencePass: false }, control);
    epoch(second, 2, [1, 0]); // sample 1 forgotten once; sample 0 relearned
    void second.writer.onRunEnd!({ epochs: 3, steps: 3, epochMetrics: [], history: [], seconds: 1 });
    const script = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1], size_guidance={'histograms': 0})
acc.Reload()
print(json.dumps([[h.step, h.histogram_value.sum, h.histogram_value.num] for h in acc.Histograms('per_sample/forgetting_events')]))
`;
    const result = spawnSync(python, ['-c', script, runFiles(dir).tensorboard], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    // Sum of counts per step: 0, then 1 (sample 0), then 2 (one each), read from both event files.
    expect(JSON.parse(result.stdout)).toEqual([
      [1, 0, 2],
      [2, 1, 2],
      [3, 2, 2],
    ]);
  });
});
