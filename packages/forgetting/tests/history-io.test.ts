import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryError } from '../src/errors.js';
import { floatToCsv, historyFromBinary, historyFromBytes, historyFromCsv, historyToBinary, historyToCsv } from '../src/history-io.js';
import { readGroupsFile, readHistoryFile } from '../src/node.js';
import { History, type FloatSeries } from '../src/history.js';
import { thrown } from './expect-history-error.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** A history with shuffled, possibly sparse ids, partial observation and optional float series. */
const historyArbitrary = fc
  .record({
    samples: fc.integer({ min: 0, max: 80 }),
    steps: fc.integer({ min: 0, max: 10 }),
    sparse: fc.boolean(),
    floats: fc.subarray<FloatSeries>(['loss', 'margin', 'pGold']),
    draws: fc.infiniteStream(fc.tuple(fc.boolean(), fc.boolean(), fc.float({ noDefaultInfinity: false }))),
  })
  .map(({ samples, steps, sparse, floats, draws }) => {
    const ids = Int32Array.from({ length: samples }, (_, i) => (sparse ? (samples - i) * 7919 + 3 : samples - 1 - i));
    const history = new History({ ids, series: sparse ? 'inference-pass' : 'presentation', floats });
    const draw = draws[Symbol.iterator]();
    for (let t = 0; t < steps; t++) {
      const seen: number[] = [];
      const correct: number[] = [];
      const values: number[] = [];
      for (const id of ids) {
        const [observed, right, value] = draw.next().value as [boolean, boolean, number];
        if (!observed) continue;
        seen.push(id);
        correct.push(right ? 1 : 0);
        values.push(value);
      }
      history.record(t, Int32Array.from(seen), Uint8Array.from(correct), Object.fromEntries(floats.map((name) => [name, Float32Array.from(values)])));
    }
    return history;
  });


/** Success or a HistoryError; anything else (RangeError, TypeError, a hang) fails the property. */
function onlyHistoryErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
  }
}

const floatBytes = (values: Float32Array | undefined) => (values ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : undefined);

describe('CSV export', () => {
  const history = new History({ ids: Int32Array.of(7, 3, 12), series: 'presentation', floats: ['loss'] });
  history.record(0, Int32Array.of(7, 12), Uint8Array.of(1, 0), { loss: Float32Array.of(0.1, -0) });
  history.record(1, Int32Array.of(3, 12), Uint8Array.of(1, 1), { loss: Float32Array.of(Infinity, 1e-45) });

  it('writes one row per sample and one column per step, carried-forward values included', () => {
    expect(historyToCsv(history)).toBe('id,0,1\n7,1,1\n3,0,1\n12,0,1\n');
    expect(historyToCsv(history, { ids: false })).toBe('1,1\n0,1\n0,1\n');
  });

  it('writes floats as the shortest decimals that read back as the same float32', () => {
    expect(floatToCsv(history, 'loss')).toBe('id,0,1\n7,0.1,\n3,,Infinity\n12,-0,1e-45\n');
    expect(floatToCsv(history, 'loss', { ids: false })).toBe('0.1,\n,Infinity\n-0,1e-45\n');
    expect(() => floatToCsv(history, 'margin')).toThrow(/no 'margin' series; it keeps: loss/);
  });

  it('float text round-trips every float32 and is never longer than needed', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (value) => {
        const single = new History({ ids: range(1), series: 'inference-pass', floats: ['margin'] });
        single.record(0, range(1), Uint8Array.of(1), { margin: Float32Array.of(value) });
        const text = floatToCsv(single, 'margin', { ids: false }).trimEnd();
        expect(Object.is(Math.fround(Number(text)), value)).toBe(true);
        const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
        if (Number.isFinite(value) && value !== 0 && digits > 1) expect(Math.fround(Number(value.toPrecision(digits - 1)))).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('writes an empty history as a header alone, or nothing', () => {
    const empty = new History({ ids: new Int32Array(0), series: 'inference-pass' });
    expect(historyToCsv(empty)).toBe('id\n');
    expect(historyToCsv(empty, { ids: false })).toBe('');
  });
});

describe('CSV import', () => {
  it('round-trips correctness with ids, and without them as row indices', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const withIds = historyFromCsv(historyToCsv(history), { series: history.series });
        expect(withIds.ids).toEqual(history.ids);
        expect(withIds.series).toBe(history.series);
        expect(withIds.steps).toBe(history.steps);
        expect(withIds.words()).toEqual(history.words());
        expect(withIds.observedWords()).toEqual(History.fromMatrix({ ids: range(history.samples), series: 'inference-pass', steps: history.steps, correct: () => 1 }).observedWords());
        if (history.samples > 0 && history.steps > 0) {
          const bare = historyFromCsv(historyToCsv(history, { ids: false }));
          expect(bare.ids).toEqual(range(history.samples));
          expect(bare.series).toBe('presentation');
          expect(bare.words()).toEqual(history.words());
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reads headers, CRLF, a byte-order mark and one trailing empty line', () => {
    const read = (text: string) => {
      const history = historyFromCsv(text);
      return { ids: Array.from(history.ids), steps: history.steps, rows: Array.from(history.ids, (_, p) => Array.from({ length: history.steps }, (_, t) => history.correct(p, t))) };
    };
    expect(read('0,1\n1,1')).toEqual({ ids: [0, 1], steps: 2, rows: [[0, 1], [1, 1]] });
    expect(read('ID,a,b\r\n5,1,0\r\n2,0,0\r\n')).toEqual({ ids: [5, 2], steps: 2, rows: [[1, 0], [0, 0]] });
    expect(read('\uFEFFepoch 1,epoch 2\n1,0\n')).toEqual({ ids: [0], steps: 2, rows: [[1, 0]] });
    expect(read('id\n4\n9\n')).toEqual({ ids: [4, 9], steps: 0, rows: [[], []] });
    expect(read('id,0,1\n')).toEqual({ ids: [], steps: 2, rows: [] });
  });

  it('reports each problem with file, line and column', () => {
    const cases: [string, number, number | undefined, RegExp][] = [
      ['', 1, undefined, /empty file/],
      ['\n', 1, undefined, /empty file/],
      ['id,0,1\n3,1\n', 2, 3, /expected 3 columns \(as on line 1\), found 2/],
      ['1,0\n1,0,1\n', 2, 3, /expected 2 columns \(as on line 1\), found 3/],
      ['0,1\n\n1,1\n', 2, 2, /expected 2 columns \(as on line 1\), found 1/],
      ['1,0\n0,2\n', 2, 2, /expected 0 or 1, found "2"/],
      ['id,0\n4,1\n5, 1\n', 3, 2, /expected 0 or 1, found " 1"/],
      ['1,0\r\n0,1\r\n1,true\r\n', 3, 2, /expected 0 or 1, found "true"/],
      ['0,1\r\n1\r,1\n', 2, 1, /expected 0 or 1, found "1\\r"/],
      ['id,0\nabc,1\n', 2, 1, /id "abc" is not an integer/],
      ['id,0\n1.5,1\n', 2, 1, /id "1.5" is not an integer/],
      ['id,0\n,1\n', 2, 1, /the id is empty/],
      ['id,0\n1,1\n-3,0\n', 3, 1, /id -3 is negative/],
      ['id,0\n2147483648,0\n', 2, 1, /id 2147483648 is too large/],
      ['id,0\n1,0\n2,1\n1,1\n', 4, 1, /id 1 also appears on line 2/],
    ];
    for (const [text, line, column, problem] of cases) {
      const error = thrown(() => historyFromCsv(text, { file: 'runs/h.csv' }));
      expect(error.message).toMatch(problem);
      expect(error.message).toContain(`runs/h.csv, line ${line}${column === undefined ? '' : `, column ${column}`}: `);
      expect([error.file, error.line, error.column]).toEqual(['runs/h.csv', line, column]);
    }
  });

  it('fuzz: any text reads or fails with a HistoryError', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', ',', '\n', '\r', 'i', 'd', 'I', '-', '7', '9', ' ', '\uFEFF', 'x'), maxLength: 80 });
    fc.assert(fc.property(text, (csv) => onlyHistoryErrors(() => historyFromCsv(csv, { file: 'f.csv' }))), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (csv) => onlyHistoryErrors(() => historyFromCsv(csv))), { numRuns: 500 });
  });
});

describe('binary format', () => {
  it('round-trips exactly, observed bits and floats included', () => {
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const restored = historyFromBinary(historyToBinary(history));
        expect(restored.series).toBe(history.series);
        expect(restored.ids).toEqual(history.ids);
        expect(restored.steps).toBe(history.steps);
        expect(restored.words()).toEqual(history.words());
        expect(restored.observedWords()).toEqual(history.observedWords());
        expect(restored.floatNames).toEqual(history.floatNames);
        for (const name of history.floatNames) expect(floatBytes(restored.float(name))).toEqual(floatBytes(history.float(name)));
      }),
      { numRuns: 150 },
    );
  });

  it('lays the header out as documented', () => {
    const history = new History({ ids: Int32Array.of(9, 4, 1), series: 'inference-pass', floats: ['pGold', 'loss'] });
    history.record(0, Int32Array.of(4), Uint8Array.of(1), { loss: Float32Array.of(2) });
    const bytes = historyToBinary(history);
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('MGDLHIST');
    expect([view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true)]).toEqual([1, 3, 1]);
    expect(Array.from(bytes.subarray(20, 24))).toEqual([1, 0b101, 0, 0]);
    expect(view.getInt32(24, true)).toBe(9);
    expect(view.getUint32(36, true)).toBe(0b010);
    expect(view.getUint32(40, true)).toBe(0b010);
    expect(view.getFloat32(48, true)).toBe(2);
    expect(bytes.length).toBe(24 + 12 + 4 + 4 + 12 + 12);
  });

  it('names the byte of each problem', () => {
    const good = historyToBinary(History.fromMatrix({ ids: range(5), series: 'inference-pass', steps: 2, correct: (p) => (p === 4 ? 1 : 0) }));
    const edit = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    const duplicate = good.slice();
    new DataView(duplicate.buffer).setInt32(28, 0, true);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 10), /truncated at byte 10; the header alone needs 24 bytes/],
      [edit(3, 0x20), /bad magic at byte 0/],
      [edit(8, 2), /unsupported version 2 at byte 8/],
      [edit(20, 2), /unknown series code 2 at byte 20/],
      [edit(21, 8), /unknown float-series bits 8 at byte 21/],
      [edit(23, 1), /non-zero padding at byte 23/],
      [good.subarray(0, good.length - 1), new RegExp(`truncated at byte ${good.length - 1}; 5 samples × 2 steps need ${good.length} bytes`)],
      [edit(16, 3), new RegExp(`truncated at byte ${good.length}; 5 samples × 3 steps need ${good.length + 8} bytes`)],
      [edit(21, 1), /truncated at byte 60; 5 samples × 2 steps with loss need 100 bytes/],
      [Uint8Array.of(...good, 0), /unexpected data from byte 60 on/],
      [duplicate, /sample id 0 appears at positions 0 and 1/],
      [edit(44, 0x20), /bits set past sample 5 at step 0/],
    ];
    for (const [bytes, problem] of cases) {
      const error = thrown(() => historyFromBinary(bytes, { file: 'h.bin' }));
      expect(error.message).toMatch(problem);
      expect(error.file).toBe('h.bin');
    }
  });

  it('fuzz: any bytes, and any damage to a valid file, read or fail with a HistoryError', () => {
    const valid = historyToBinary(History.fromMatrix({ ids: range(40), series: 'presentation', steps: 3, correct: (p, t) => ((p + t) % 2 ? 1 : 0) }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => onlyHistoryErrors(() => historyFromBinary(bytes))), { numRuns: 500 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(valid.length), (edits, keep) => {
        const bytes = valid.slice(0, keep);
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        onlyHistoryErrors(() => historyFromBinary(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('readHistoryFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mgdl-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const history = History.fromMatrix({ ids: Int32Array.of(3, 1, 2), series: 'inference-pass', steps: 4, correct: (p, t) => (p <= t ? 1 : 0) });

  it('reads binary files by their magic and everything else as CSV', () => {
    const binary = join(dir, 'h.bin');
    const csv = join(dir, 'h.csv');
    writeFileSync(binary, historyToBinary(history));
    writeFileSync(csv, historyToCsv(history));
    expect(readHistoryFile(binary).words()).toEqual(history.words());
    const fromCsv = readHistoryFile(csv, { series: 'inference-pass' });
    expect(fromCsv.words()).toEqual(history.words());
    expect(fromCsv.ids).toEqual(history.ids);
    expect(fromCsv.series).toBe('inference-pass');
  });

  it('names the path in its errors', () => {
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'id,0\n1,x\n');
    expect(thrown(() => readHistoryFile(broken)).message).toContain(`${broken}, line 2, column 2: expected 0 or 1, found "x"`);
    const truncated = join(dir, 'truncated.bin');
    writeFileSync(truncated, historyToBinary(history).subarray(0, 30));
    expect(thrown(() => readHistoryFile(truncated)).message).toMatch(new RegExp(`^${truncated}: truncated at byte 30`));
    const missing = join(dir, 'missing.csv');
    expect(thrown(() => readHistoryFile(missing)).message).toMatch(new RegExp(`^${missing}: cannot read the file`));
  });
});

describe('historyFromBytes', () => {
  const history = History.fromMatrix({ ids: Int32Array.of(7, 8), series: 'presentation', steps: 3, correct: (p, t) => ((p + t) % 2 === 1 ? 1 : 0) });

  it('reads the binary format by its magic and anything else as CSV, with no file involved', () => {
    expect(historyFromBytes(historyToBinary(history)).words()).toEqual(history.words());
    const fromCsv = historyFromBytes(new TextEncoder().encode(historyToCsv(history)), { series: 'inference-pass' });
    expect(fromCsv.words()).toEqual(history.words());
    expect(fromCsv.ids).toEqual(history.ids);
    expect(fromCsv.series).toBe('inference-pass');
  });

  it('names the given file in its errors', () => {
    expect(thrown(() => historyFromBytes(new TextEncoder().encode('id,0\n1,x\n'), { file: 'upload.csv' })).message).toContain('upload.csv, line 2, column 2');
  });
});

describe('readGroupsFile', () => {
  it('names a missing file', () => {
    const history = History.fromMatrix({ ids: Int32Array.of(1), series: 'presentation', steps: 1, correct: () => 1 });
    const missing = join(tmpdir(), 'mgdl-no-such-groups.csv');
    expect(thrown(() => readGroupsFile(missing, history)).message).toMatch(/mgdl-no-such-groups\.csv: cannot read the file/);
  });
});
