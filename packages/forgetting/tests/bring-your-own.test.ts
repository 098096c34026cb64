import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dynamicsRecorder, HistoryError, historyToCsv, interchangeHeader, parseMatrixCsv, parseMatrixJson } from '../src/index.js';
import { detectFormat, readDynamics } from '../src/node.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-byo-'));
const softmax = (row: number[]) => {
  const e = row.map((v) => Math.exp(v));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** numpy's np.std: the population standard deviation. */
const npStd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
/** Cartography's compute_forgetfulness: 1000 for never-learnt samples. */
const forgetfulness = (trend: boolean[]) => {
  if (!trend.some(Boolean)) return 1000;
  let learnt = false;
  let times = 0;
  for (const ok of trend) {
    if (learnt && !ok) {
      learnt = false;
      times++;
    } else if (!learnt && ok) learnt = true;
  }
  return times;
};
const argmax = (row: number[]) => row.indexOf(Math.max(...row));

function expectHistoryError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HistoryError);
  expect((caught as Error).message).toMatch(message);
}

// Two samples, three classes, three epochs, worked by hand.
// Sample 10 (label 0): [2,1,0] right (margin 1), [0,1,0] wrong (margin −1), [3,0,0] right (margin 3): AUM 1.
// Sample 11 (label 2): [0,0,0] wrong (argmax takes the first maximum, margin 0), [0,0,1] right (1), [0,0,2] right (2): AUM 1.
const LOGITS = [
  [[2, 1, 0], [0, 0, 0]],
  [[0, 1, 0], [0, 0, 1]],
  [[3, 0, 0], [0, 0, 2]],
];
const LABELS = [0, 2];

describe('dynamicsRecorder', () => {
  it('records a user loop from logits: histories, M/F, AUM, data maps and EL2N equal hand-worked values', () => {
    const recorder = dynamicsRecorder({ ids: [10, 11] });
    for (const logits of LOGITS) {
      recorder.update({ ids: [10, 11], logits, labels: LABELS });
      recorder.endEpoch();
    }
    expect(historyToCsv(recorder.history())).toBe('id,0,1,2\n10,1,0,1\n11,0,1,1\n');
    const analysis = recorder.analyze();
    expect(Array.from(analysis.perSample.forgettingEvents)).toEqual([1, 0]);
    expect(Array.from(analysis.perSample.set)).toEqual([3, 2]);
    const aumResult = recorder.aum()!;
    expect(Array.from(aumResult.ids)).toEqual([10, 11]);
    expect(Array.from(aumResult.aum)).toEqual([1, 1]);
    const map = recorder.dataMap()!;
    const p0 = LOGITS.map((step) => softmax(step[0]!)[0]!);
    expect(map.confidence[0]).toBeCloseTo(mean(p0), 7);
    expect(map.variability[0]).toBeCloseTo(npStd(p0), 7);
    expect(Array.from(map.correctness)).toEqual([2 / 3, 2 / 3]);
    const e = recorder.el2n()!;
    const el2n0 = mean(LOGITS.map((step) => Math.hypot(...softmax(step[0]!).map((p, c) => p - (c === 0 ? 1 : 0)))));
    expect(e.score[0]).toBeCloseTo(el2n0, 6);
    // The float series are the kernel's: loss = −log p(gold).
    expect(recorder.history().float('loss')![0]).toBeCloseTo(-Math.log(p0[0]!), 6);
  });

  it('gives the same history and statistics from probabilities as from logits, and takes tensors and flat arrays', () => {
    const fromLogits = dynamicsRecorder({ names: ['a', 'b'] });
    const fromProbs = dynamicsRecorder({ names: ['a', 'b'] });
    const tensorLike = (rows: number[][]) => ({ dataSync: () => Float32Array.from(rows.flat()), shape: [rows.length, rows[0]!.length] });
    LOGITS.forEach((logits, epoch) => {
      fromLogits.update({ ids: ['a', 'b'], logits: tensorLike(logits), labels: LABELS, epoch });
      fromProbs.update({ ids: ['a', 'b'], probabilities: epoch === 1 ? logits.map((row) => Float32Array.from(softmax(row))) : logits.map(softmax).flat(), labels: LABELS, epoch });
    });
    expect(historyToCsv(fromProbs.history())).toBe(historyToCsv(fromLogits.history()));
    expect(fromProbs.aum()!.aum[0]).toBeCloseTo(1, 5);
    expect(fromProbs.dataMap()!.confidence[1]).toBeCloseTo(fromLogits.dataMap()!.confidence[1]!, 6);
    expect(fromLogits.names).toEqual(['a', 'b']);
  });

  it('records presentation and inference-pass series apart, and a pass split over several update calls as one step', () => {
    const both = dynamicsRecorder({ ids: [0, 1], mode: 'both' });
    both.update({ ids: [1, 0], logits: [[0, 1], [1, 0]], labels: [1, 0] });
    both.endEpoch();
    both.inferencePass({ ids: [0, 1], logits: [[0, 1], [1, 0]], labels: [0, 1] });
    expect(historyToCsv(both.history('presentation'))).toBe('id,0\n0,1\n1,1\n');
    expect(historyToCsv(both.history('inference-pass'))).toBe('id,0\n0,0\n1,0\n');
    const pass = dynamicsRecorder({ ids: [0, 1], mode: 'inference-pass' });
    pass.update({ ids: [0], logits: [[1, 0]], labels: [0] });
    pass.update({ ids: [1], logits: [[1, 0]], labels: [1] });
    pass.endEpoch();
    pass.update({ ids: [0, 1], logits: [[0, 1], [0, 1]], labels: [0, 1] });
    expect(historyToCsv(pass.history('inference-pass'))).toBe('id,0,1\n0,1,0\n1,0,1\n');
    expectHistoryError(() => dynamicsRecorder({ ids: [0] }).inferencePass({ ids: [0], logits: [[1, 0]], labels: [0] }), /records 'presentation' only/);
  });

  it('saves and restores its state: a resumed loop ends exactly like an uninterrupted one', () => {
    const whole = dynamicsRecorder({ ids: [10, 11], mode: 'both' });
    const first = dynamicsRecorder({ ids: [10, 11], mode: 'both' });
    LOGITS.forEach((logits, e) => {
      for (const r of e < 2 ? [whole, first] : [whole]) {
        r.update({ ids: [10, 11], logits, labels: LABELS });
        r.endEpoch();
        r.inferencePass({ ids: [10], logits: [logits[0]!], labels: [0] });
        r.inferencePass({ ids: [11], logits: [logits[1]!], labels: [2] });
      }
    });
    const resumed = dynamicsRecorder({ ids: [10, 11], mode: 'both' });
    resumed.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())));
    expect(resumed.epoch).toBe(2);
    resumed.update({ ids: [10, 11], logits: LOGITS[2]!, labels: LABELS });
    resumed.endEpoch();
    resumed.inferencePass({ ids: [10, 11], logits: LOGITS[2]!, labels: LABELS });
    for (const series of ['presentation', 'inference-pass'] as const) {
      expect(historyToCsv(resumed.history(series))).toBe(historyToCsv(whole.history(series)));
      expect(resumed.history(series).steps).toBe(3);
      expect(Array.from(resumed.aum(series)!.aum)).toEqual(Array.from(whole.aum(series)!.aum));
      expect(Array.from(resumed.dataMap(series)!.variability)).toEqual(Array.from(whole.dataMap(series)!.variability));
    }
    expectHistoryError(() => dynamicsRecorder({ ids: [10, 11] }).loadStateDict({ series: {} }), /no 'presentation' series/);
  });

  it.each([
    [{ ids: [0, 1], logits: [[1, 0]], labels: [0, 1] }, /1 rows of scores for 2 ids/],
    [{ ids: [0], logits: [[1, 0]], labels: [2] }, /label 2 of entry 0 is outside 0…1/],
    [{ ids: [5], logits: [[1, 0]], labels: [0] }, /unknown sample id 5/],
    [{ ids: [0], labels: [0] }, /give logits or probabilities/],
    [{ ids: [0], logits: [[Number.NaN, 0]], labels: [0] }, /score 0 of entry 0 is NaN/],
  ])('rejects a bad update (%#) and records nothing', (update, message) => {
    const recorder = dynamicsRecorder({ ids: [0, 1] });
    expectHistoryError(() => recorder.update(update as Parameters<typeof recorder.update>[0]), message);
    expect(recorder.history().steps).toBe(0);
  });
});

describe('importers', () => {
  it("reads dataset cartography's training_dynamics folder: confidence, variability, correctness and forgetfulness equal cartography's definitions", () => {
    const dir = tmp();
    mkdirSync(join(dir, 'training_dynamics'));
    const guids = ['premise-1', 'premise-2', 'premise-3'];
    const gold = [0, 1, 2];
    const logits = [
      [[2.5, 0.1, -1], [0.2, 0.1, 0.3], [1, 1.5, 0.5]],
      [[0.1, 1.2, 0.3], [-1, 2, 0], [0.4, 0.3, 0.2]],
      [[1.1, 0.2, 3], [0.3, 0.2, 0.1], [0, 0, 4]],
      [[2, 1, 0], [0, 3, 1], [1, 2, 0.5]],
    ];
    logits.forEach((epoch, e) => {
      const lines = guids.map((guid, i) => JSON.stringify({ guid, [`logits_epoch_${e}`]: epoch[i], gold: gold[i] }));
      writeFileSync(join(dir, 'training_dynamics', `dynamics_epoch_${e}.jsonl`), `${lines.join('\n')}\n`);
    });
    const imported = readDynamics([dir]);
    expect(imported.format).toBe('cartography');
    expect(imported.names).toEqual(guids);
    expect(imported.steps).toEqual([0, 1, 2, 3]);
    const map = imported.recorder.dataMap()!;
    const analysis = imported.recorder.analyze();
    guids.forEach((_, i) => {
      const p = logits.map((epoch) => softmax(epoch[i]!)[gold[i]!]!);
      const trend = logits.map((epoch) => argmax(epoch[i]!) === gold[i]);
      expect(map.confidence[i]).toBeCloseTo(mean(p), 6);
      expect(map.variability[i]).toBeCloseTo(npStd(p), 6);
      // Cartography's correctness is the count of correct epochs; mgdl's is that count over the epochs.
      expect(map.correctness[i]! * logits.length).toBeCloseTo(trend.filter(Boolean).length, 12);
      const events = analysis.perSample.set[i] === 1 ? 1000 : analysis.perSample.forgettingEvents[i];
      expect(events).toBe(forgetfulness(trend));
    });
  });

  it.each([
    ['a logits key of another epoch', 'dynamics_epoch_1.jsonl', '{"guid": 1, "logits_epoch_0": [1, 2], "gold": 0}\n', /dynamics_epoch_1\.jsonl, line 1: key "logits_epoch_0" in the file of epoch 1; expected "logits_epoch_1"/],
    ['a gold label past the logits', 'dynamics_epoch_0.jsonl', '{"guid": 1, "logits_epoch_0": [1, 2], "gold": 0}\n{"guid": 2, "logits_epoch_0": [1, 2], "gold": 5}\n', /line 2: gold 5 with 2 logits/],
    ['a line that is not JSON', 'dynamics_epoch_0.jsonl', '{"guid": 1, "logits_epoch_0": [1, 2], "gold": 0}\n{"guid": 2,\n', /line 2: not valid JSON/],
    ['different class counts', 'dynamics_epoch_0.jsonl', '{"guid": 1, "logits_epoch_0": [1, 2], "gold": 0}\n{"guid": 2, "logits_epoch_0": [1, 2, 3], "gold": 0}\n', /line 2: 3 class scores, but .* line 1 has 2/],
  ])('rejects cartography files with %s', (_what, name, text, message) => {
    const dir = tmp();
    writeFileSync(join(dir, name), text);
    expectHistoryError(() => readDynamics([join(dir, name)], { format: 'cartography' }), message);
  });

  it("reads AUM's full_aum_records.csv: AUM per sample equals the mean margin and the file's own running aum", () => {
    // As AUMCalculator(compressed=False) writes it, sorted by sample_id and num_measurements.
    const margins: Record<string, number[]> = { cat_1: [0.5, -0.25, 1.5], dog_7: [-2, -1, 0.75], fox_3: [0.125, 0.25, 0.5] };
    const rows = Object.entries(margins).flatMap(([id, ms]) =>
      ms.map((m, k) => `${id},${k + 1},${(1 + m).toFixed(3)},0,1.000,1,${m},${mean(ms.slice(0, k + 1))}`),
    );
    const dir = tmp();
    const file = join(dir, 'full_aum_records.csv');
    writeFileSync(file, `sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum\n${rows.join('\n')}\n`);
    expect(detectFormat([file])).toBe('aum');
    const imported = readDynamics([file]);
    expect(imported.names).toEqual(['cat_1', 'dog_7', 'fox_3']);
    const result = imported.recorder.aum()!;
    Object.values(margins).forEach((ms, i) => {
      expect(result.aum[i]).toBeCloseTo(mean(ms), 6);
      expect(result.epochs[i]).toBe(3);
    });
    // correct = margin > 0.
    expect(historyToCsv(imported.recorder.history())).toBe('id,0,1,2\n0,1,0,1\n1,0,0,1\n2,1,1,1\n');
    writeFileSync(file, 'sample_id,num_measurements,margin\n1,1,0.5\n');
    expectHistoryError(() => readDynamics([file], { format: 'aum' }), /line 1: no column target_logit, target_val, other_logit, other_val, aum in the header/);
    writeFileSync(file, `${AUM_HEADER}\n1,0,1,0,1,1,0.5,0.5\n`);
    expectHistoryError(() => readDynamics([file]), /line 2, column 2: num_measurements is 0/);
    writeFileSync(file, `${AUM_HEADER}\n1,1,1,0,1,1,abc,0.5\n`);
    expectHistoryError(() => readDynamics([file]), /line 2, column 7: margin is "abc"; expected a finite number/);
  });

  it('reads 0/1 matrices with string ids and True/False values, with the header said or detected', () => {
    const text = 'img_000,True,False,True\nimg_001,False,False,True\n';
    const m = parseMatrixCsv({ file: 'm.csv', text });
    expect(m.names).toEqual(['img_000', 'img_001']);
    expect(historyToCsv(m.recorder.history())).toBe('id,0,1,2\n0,1,0,1\n1,0,0,1\n');
    // A first line of values is data, not a swallowed header.
    const noIds = parseMatrixCsv({ file: 'm.csv', text: 'True,False\nFalse,True\n' });
    expect(noIds.recorder.history().samples).toBe(2);
    expect(noIds.notes).toEqual([]);
    // Step names that are values need the header said.
    const said = parseMatrixCsv({ file: 'm.csv', text: '0,1\n1,1\n0,1\n' }, { header: true });
    expect(said.recorder.history().samples).toBe(2);
    expect(parseMatrixCsv({ file: 'm.csv', text: '0,1\n1,1\n0,1\n' }, { header: false }).recorder.history().samples).toBe(3);
    const detected = parseMatrixCsv({ file: 'm.csv', text: 'id,epoch1,epoch2\n4,1,0\n9,0,1\n' });
    expect(Array.from(detected.recorder.ids)).toEqual([4, 9]);
    expect(detected.notes[0]).toMatch(/line 1 of m\.csv read as a header \(detected; say --no-header/);
    expectHistoryError(() => parseMatrixCsv({ file: 'm.csv', text: 'a,1,0\nb,1,maybe\n' }), /m\.csv, line 2, column 3: expected 0 or 1, found "maybe"/);
  });

  it('reads 0/1 matrices as JSON, keyed by id or as rows', () => {
    const keyed = parseMatrixJson({ file: 'm.json', text: '{"a": [0, 1, 1], "b": [true, false, true]}' });
    expect(keyed.names).toEqual(['a', 'b']);
    expect(historyToCsv(keyed.recorder.history())).toBe('id,0,1,2\n0,0,1,1\n1,1,0,1\n');
    const rows = parseMatrixJson({ file: 'm.json', text: '[[1, 0], [0, 0]]' });
    expect(Array.from(rows.recorder.ids)).toEqual([0, 1]);
    expectHistoryError(() => parseMatrixJson({ file: 'm.json', text: '{"a": [0, 2]}' }), /m\.json.*sample "a" \(entry 0\), step 1 is 2; expected 0, 1, true or false/);
    expectHistoryError(() => parseMatrixJson({ file: 'm.json', text: '{"a": [0, 1], "b": [1]}' }), /sample "b" has 1 steps, the first has 2/);
  });
});

const AUM_HEADER = 'sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum';

describe("mgdl's interchange format", () => {
  /** What the docs' PyTorch snippet writes, produced here in TypeScript. */
  function interchange(records: object[], series?: 'presentation' | 'inference-pass'): string {
    return [interchangeHeader(series), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n';
  }

  it('reads logits records with string ids and skips other splits; steps may start anywhere', () => {
    const dir = tmp();
    const file = join(dir, 'dynamics.jsonl');
    const records = LOGITS.flatMap((step, t) => step.map((logits, i) => ({ id: ['x', 'y'][i], step: 10 + t, label: LABELS[i], logits })));
    writeFileSync(file, interchange([...records, { id: 'z', step: 10, label: 0, logits: [1, 0, 0], split: 'validation' }], 'inference-pass'));
    expect(detectFormat([file])).toBe('mgdl-jsonl');
    const imported = readDynamics([file]);
    expect(imported.series).toBe('inference-pass');
    expect(imported.steps).toEqual([10, 11, 12]);
    expect(imported.notes).toEqual(['1 records of other splits (not "train") skipped']);
    expect(historyToCsv(imported.recorder.history())).toBe('id,0,1,2\n0,1,0,1\n1,0,1,1\n');
    expect(Array.from(imported.recorder.aum('inference-pass')!.aum)).toEqual([1, 1]);
  });

  it.each([
    ['no header', '{"id": 0, "step": 0, "label": 0, "logits": [1, 0]}\n', /line 1: format is undefined; expected a first line \{"format":"mgdl-dynamics","version":1\}/],
    ['a future version', '{"format": "mgdl-dynamics", "version": 2}\n', /line 1: unsupported version 2; this reader knows version 1/],
    ['an unknown key', `${interchangeHeader()}\n{"id": 0, "step": 0, "label": 0, "logit": [1, 0]}\n`, /line 2: unknown key "logit"/],
    ['mixed kinds', `${interchangeHeader()}\n{"id": 0, "step": 0, "label": 0, "logits": [1, 0]}\n{"id": 1, "step": 0, "correct": 1}\n`, /line 3: a record with correct, but .* line 2 has logits; expected one kind of record/],
    ['a negative step', `${interchangeHeader()}\n{"id": 0, "step": -1, "correct": 1}\n`, /line 2: step is -1; expected a non-negative integer/],
    ['a duplicate record', `${interchangeHeader()}\n{"id": 0, "step": 0, "correct": 1}\n{"id": 0, "step": 0, "correct": 0}\n`, /line 3: sample 0 at step 0 again \(first at .* line 2\)/],
    ['both logits and probs', `${interchangeHeader()}\n{"id": 0, "step": 0, "label": 0, "logits": [1, 0], "probs": [1, 0]}\n`, /line 2: both logits and probs/],
  ])('rejects %s naming the file and line', (_what, text, message) => {
    const file = join(tmp(), 'run.jsonl');
    writeFileSync(file, text);
    expectHistoryError(() => readDynamics([file], { format: 'mgdl-jsonl' }), new RegExp(`run\\.jsonl, ${message.source}`));
  });
});
