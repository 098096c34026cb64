import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import { dynamicsRecorder, historyFromCsv, interchangeHeader, type DynamicsRecorder } from '../src/index.js';
import { fileLines, readDynamics, readHistoryFile } from '../src/node.js';
import { thrown } from './expect-history-error.js';

/*
 * The file readers stream: files are read a chunk (1 MiB) at a time and each record is scored as it
 * passes. These files are a few MiB, so records, characters and line ends straddle chunk edges.
 */

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-stream-'));
const NOT_TEXT = { problem: 'not text', hint: 'expected text' };

interface Row {
  id: number | string;
  step: number;
  label: number;
  logits: number[];
}

/** Records of `samples` × `steps` (a few left out), shuffled so that steps interleave, as a file may hold them. */
function records(samples: number, steps: number, classes: number, seed: number, name = (i: number): number | string => i): Row[] {
  const random = createRandom(seed);
  const rows: Row[] = [];
  for (let i = 0; i < samples; i++) {
    const label = Math.floor(random() * classes);
    for (let step = 0; step < steps; step++) {
      if (random() < 0.02) continue;
      rows.push({ id: name(i), step, label, logits: Array.from({ length: classes }, () => Number((random() * 8 - 4).toFixed(6))) });
    }
  }
  for (let k = rows.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [rows[k], rows[j]] = [rows[j]!, rows[k]!];
  }
  return rows;
}

/** What a recorder fed with every step's scores, steps ascending, makes of the rows: the reader must match it bit for bit. */
function reference(rows: readonly Row[], kind: 'logits' | 'probs'): DynamicsRecorder {
  const order = [...new Set(rows.map((r) => r.id))];
  const integer = order.every((id) => typeof id === 'number');
  const recorder = integer ? dynamicsRecorder({ ids: order as number[] }) : dynamicsRecorder({ names: order.map(String) });
  const steps = [...new Set(rows.map((r) => r.step))].sort((a, b) => a - b);
  steps.forEach((step, t) => {
    const group = rows.filter((r) => r.step === step);
    const scores = group.map((r) => (kind === 'logits' ? r.logits : softmax(r.logits)));
    recorder.update({ ids: integer ? group.map((r) => r.id as number) : group.map((r) => String(r.id)), [kind === 'logits' ? 'logits' : 'probabilities']: scores, labels: group.map((r) => r.label), epoch: t });
  });
  return recorder;
}

const softmax = (row: number[]) => {
  const e = row.map((v) => Math.exp(v));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

function expectSameDynamics(read: DynamicsRecorder, expected: DynamicsRecorder): void {
  expect(read.history().toState()).toEqual(expected.history().toState());
  expect(read.dataMap()).toEqual(expected.dataMap());
  expect(read.aum()).toEqual(expected.aum());
  expect(read.el2n()).toEqual(expected.el2n());
}

describe('streaming file readers', () => {
  it.each(['logits', 'probs'] as const)('read shuffled interchange records (%s) exactly as a recorder fed with their scores step by step', (kind) => {
    const rows = records(3000, 6, 10, kind === 'logits' ? 1 : 2);
    const file = join(tmp(), 'dynamics.jsonl');
    const body = rows.map((r) => JSON.stringify({ id: r.id, step: r.step, label: r.label, [kind]: kind === 'logits' ? r.logits : softmax(r.logits) }));
    writeFileSync(file, [interchangeHeader(), ...body].join('\n') + '\n');
    expect(readFileSync(file).length).toBeGreaterThan(2 << 20);
    const imported = readDynamics([file]);
    expectSameDynamics(imported.recorder, reference(rows, kind));
    expect(imported.steps).toEqual([0, 1, 2, 3, 4, 5]);
    // Each sample's label: its last record's.
    expect(imported.labels!.size).toBe(3000);
    for (const r of rows) expect(imported.labels!.get(r.id as number)).toBe(r.label);
  });

  it('read cartography epoch files with string guids exactly as the recorder does', () => {
    const rows = records(2500, 3, 4, 3, (i) => `doc-${i}`);
    const dir = tmp();
    for (const epoch of [0, 1, 2]) {
      const lines = rows.filter((r) => r.step === epoch).map((r) => JSON.stringify({ guid: r.id, [`logits_epoch_${epoch}`]: r.logits, gold: r.label }));
      writeFileSync(join(dir, `dynamics_epoch_${epoch}.jsonl`), lines.join('\r\n') + '\r\n');
    }
    const imported = readDynamics([dir]);
    // The files in epoch order: samples are numbered as they first appear there.
    const inFileOrder = [0, 1, 2].flatMap((epoch) => rows.filter((r) => r.step === epoch));
    expectSameDynamics(imported.recorder, reference(inFileOrder, 'logits'));
    expect(imported.names).toEqual([...new Set(inFileOrder.map((r) => r.id))]);
  });

  it("read AUM records exactly as a recorder fed with their correctness and margins", () => {
    const random = createRandom(4);
    const lines = ['sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum'];
    const recorded: { id: string; step: number; margin: number }[] = [];
    for (let step = 0; step < 8; step++) {
      for (let i = 0; i < 4000; i++) {
        const margin = Number((random() * 4 - 2).toFixed(5));
        recorded.push({ id: String(i), step, margin });
        lines.push(`${i},${step + 1},1.0,0,${1 - margin},1,${margin},0`);
      }
    }
    const file = join(tmp(), 'full_aum_records.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const imported = readDynamics([file]);
    const expected = dynamicsRecorder({ ids: Array.from({ length: 4000 }, (_, i) => i) });
    for (let step = 0; step < 8; step++) {
      const group = recorded.filter((r) => r.step === step);
      expected.update({ ids: group.map((r) => Number(r.id)), correct: group.map((r) => (r.margin > 0 ? 1 : 0)), margin: group.map((r) => r.margin), epoch: step });
    }
    expectSameDynamics(imported.recorder, expected);
  });

  it.each([
    ['interchange JSONL', 'dynamics.jsonl', (n: number) => [interchangeHeader(), ...Array.from({ length: n }, (_, i) => (i === n - 7 ? '{"id": 5, "step": 1, "label": 2, "logits": [0.1, 0.2, 0.3' : JSON.stringify({ id: i, step: 0, label: 1, logits: [0.5, 0.25, -1.5] })))], /dynamics\.jsonl, line 59995: not valid JSON/],
    ['AUM records', 'full_aum_records.csv', (n: number) => ['sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum', ...Array.from({ length: n }, (_, i) => `${i},1,1.5,0,0.5,1,${i === n - 7 ? 'x' : '1.0'},1.0`)], /full_aum_records\.csv, line 59995, column 7: margin is "x"/],
    ['a correctness matrix', 'history.csv', (n: number) => ['id,0,1,2', ...Array.from({ length: n }, (_, i) => `s${i},1,${i === n - 7 ? 2 : 0},1`)], /history\.csv, line 59995, column 3: expected 0 or 1, found "2"/],
  ])('name a malformed record deep in %s by its line', (_what, name, lines, message) => {
    const file = join(tmp(), name);
    writeFileSync(file, lines(60_000).join('\n') + '\n');
    expect(thrown(() => readDynamics([file])).message).toMatch(message);
  });

  it('name the first record of a duplicate, however far back it lies', () => {
    const file = join(tmp(), 'dynamics.jsonl');
    const body = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ id: i % 29_999, step: 0, correct: 1 }));
    writeFileSync(file, [interchangeHeader(), ...body].join('\n'));
    expect(thrown(() => readDynamics([file])).message).toMatch(/line 30001: sample 0 at step 0 again \(first at .*dynamics\.jsonl line 2\)/);
  });

  it('read a CSV history a chunk at a time into the same history as the whole text', () => {
    const random = createRandom(5);
    const text = ['id,' + Array.from({ length: 40 }, (_, t) => t).join(','), ...Array.from({ length: 30_000 }, (_, i) => `${i * 3},${Array.from({ length: 40 }, () => (random() < 0.5 ? 1 : 0)).join(',')}`)].join('\n') + '\n';
    const file = join(tmp(), 'history.csv');
    writeFileSync(file, text);
    expect(readHistoryFile(file).toState()).toEqual(historyFromCsv(text).toState());
    expect(thrown(() => readHistoryFile(writeText('history.csv', text.replace('\n3,', '\n3,7,')))).message).toMatch(/history\.csv, line 3, column 42: expected 41 columns/);
  });

  it('split lines across chunk edges: a byte-order mark, \\r\\n, a character cut by the edge, no final newline', () => {
    // 'é' is two bytes: the first lands on the last byte of the first 1 MiB chunk.
    const first = `${'a'.repeat((1 << 20) - 4)}é`;
    const file = writeText('lines.txt', `\uFEFF${first}\r\nb\r\n\r\nlast`);
    expect([...fileLines(file, NOT_TEXT)]).toEqual([first, 'b', '', 'last']);
    const binary = join(tmp(), 'binary.dat');
    writeFileSync(binary, Buffer.concat([Buffer.from('ok\n'.repeat(1000)), Buffer.from([0xff, 0xfe, 0x00])]));
    expect(thrown(() => [...fileLines(binary, NOT_TEXT)]).message).toMatch(/binary\.dat: not text; expected text/);
  });
});

function writeText(name: string, text: string): string {
  const file = join(tmp(), name);
  writeFileSync(file, text);
  return file;
}
