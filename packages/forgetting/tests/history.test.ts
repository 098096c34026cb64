import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { HistoryError } from '../src/errors.js';
import { History, parseSeries, type FloatSeries, type HistoryState } from '../src/history.js';
import { LEGACY_NAMES_REMOVED_IN } from '../src/legacy-names.js';
import { thrown } from './expect-history-error.js';

const range = (n: number, from = 0, stride = 1) => Int32Array.from({ length: n }, (_, i) => from + i * stride);
const bits = (...values: number[]) => Uint8Array.from(values);

/** Deterministic pseudo-random numbers in [0, 1), so failing fast-check seeds replay exactly. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** A history recorded the way training does: shuffled batches, some samples skipped at some steps. */
function randomHistory({ samples, steps, sparse, floats, seed }: { samples: number; steps: number; sparse: boolean; floats: FloatSeries[]; seed: number }): History {
  const random = randomSource(seed);
  const ids = sparse ? range(samples, 7, 1009) : range(samples);
  const history = new History({ ids, series: sparse ? 'inference-pass' : 'presentation', floats });
  for (let t = 0; t < steps; t++) {
    const chosen = Array.from(ids).filter(() => random() < 0.8).sort(() => random() - 0.5);
    // b === 0 gives every step a call, even one that sees no sample.
    for (let b = 0; b === 0 || b < chosen.length; b += 5) {
      const batch = Int32Array.from(chosen.slice(b, b + 5));
      const values = Object.fromEntries(floats.map((name) => [name, Float32Array.from(batch, () => (random() < 0.1 ? NaN : random() * 10 - 5))]));
      history.record(t, batch, Uint8Array.from(batch, () => (random() < 0.6 ? 1 : 0)), values);
    }
  }
  return history;
}

const historyArbitrary = fc.record({
  samples: fc.integer({ min: 0, max: 100 }),
  steps: fc.integer({ min: 0, max: 12 }),
  sparse: fc.boolean(),
  floats: fc.subarray<FloatSeries>(['loss', 'margin', 'pGold']),
  seed: fc.integer(),
});

const floatBytes = (values: Float32Array | undefined) => (values ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : undefined);

function expectSameHistory(actual: History, expected: History): void {
  expect(actual.series).toBe(expected.series);
  expect(actual.samples).toBe(expected.samples);
  expect(actual.steps).toBe(expected.steps);
  expect(actual.ids).toEqual(expected.ids);
  expect(actual.words()).toEqual(expected.words());
  expect(actual.observedWords()).toEqual(expected.observedWords());
  expect(actual.floatNames).toEqual(expected.floatNames);
  // Byte comparison, so that NaN entries must match too.
  for (const name of expected.floatNames) expect(floatBytes(actual.float(name))).toEqual(floatBytes(expected.float(name)));
}


describe('History construction', () => {
  it('keeps its own copy of the ids and looks positions up', () => {
    const ids = Int32Array.of(4, 0, 9, 2);
    const history = new History({ ids, series: 'presentation' });
    ids[0] = 100;
    expect(Array.from(history.ids)).toEqual([4, 0, 9, 2]);
    expect([4, 0, 9, 2, 1, 100, -1, 1.5, 1e9].map((id) => history.positionOf(id))).toEqual([0, 1, 2, 3, -1, -1, -1, -1, -1]);
    expect(history.samples).toBe(4);
    expect(history.steps).toBe(0);
    expect(history.rowWords).toBe(1);
    expect(history.words()).toHaveLength(0);
  });

  it('looks sparse ids up too', () => {
    const history = new History({ ids: Int32Array.of(2_000_000_000, 5, 123_456_789), series: 'inference-pass' });
    expect(history.positionOf(123_456_789)).toBe(2);
    expect(history.positionOf(2_000_000_000)).toBe(0);
    expect(history.positionOf(6)).toBe(-1);
    history.record(0, Int32Array.of(2_000_000_000, 123_456_789), bits(1, 1));
    expect([0, 1, 2].map((p) => history.correct(p, 0))).toEqual([1, 0, 1]);
    expect(() => history.record(0, Int32Array.of(6), bits(1))).toThrow(/unknown sample id 6/);
  });

  it('rejects negative and duplicate ids, in dense and sparse lookups', () => {
    expect(thrown(() => new History({ ids: Int32Array.of(0, -3), series: 'inference-pass' })).message).toMatch(/id -3 at position 1 is negative/);
    expect(thrown(() => new History({ ids: Int32Array.of(1, 2, 1), series: 'inference-pass' })).message).toMatch(/id 1 appears at positions 0 and 2/);
    expect(thrown(() => new History({ ids: Int32Array.of(1e6, 2, 1e6), series: 'inference-pass' })).message).toMatch(/id 1000000 appears at positions 0 and 2/);
  });

  it('rejects unknown series and float names', () => {
    expect(() => new History({ ids: range(2), series: 'epoch' as 'inference-pass' })).toThrow(HistoryError);
    expect(() => new History({ ids: range(2), series: 'inference-pass', floats: ['loss', 'accuracy' as FloatSeries] })).toThrow(/unknown float series 'accuracy'/);
  });

  it('lists float series in canonical order, once', () => {
    const history = new History({ ids: range(2), series: 'inference-pass', floats: ['pGold', 'loss', 'pGold'] });
    expect(history.floatNames).toEqual(['loss', 'pGold']);
    expect(history.float('margin')).toBeUndefined();
    expect(history.float('loss')).toHaveLength(0);
  });

  it('handles a history of no samples', () => {
    const history = new History({ ids: new Int32Array(0), series: 'inference-pass' });
    history.record(0, new Int32Array(0), new Uint8Array(0));
    history.record(1, new Int32Array(0), new Uint8Array(0));
    expect(history.steps).toBe(2);
    expect(history.rowWords).toBe(0);
    expect(history.words()).toHaveLength(0);
  });
});

describe('History.record', () => {
  it('starts unlearned and unobserved, carries values forward and marks what it saw', () => {
    const history = new History({ ids: Int32Array.of(10, 11, 12, 13), series: 'presentation' });
    history.record(0, Int32Array.of(11, 12), bits(1, 0));
    history.record(0, Int32Array.of(13), bits(1));
    history.record(1, Int32Array.of(11, 10), bits(0, 1));
    history.record(2, new Int32Array(0), new Uint8Array(0));
    const at = (step: number) => [0, 1, 2, 3].map((p) => history.correct(p, step));
    expect(at(0)).toEqual([0, 1, 0, 1]);
    expect(at(1)).toEqual([1, 0, 0, 1]);
    expect(at(2)).toEqual([1, 0, 0, 1]);
    expect(Array.from(history.observedWords())).toEqual([0b1110, 0b0011, 0]);
    expect(Array.from(history.words())).toEqual([0b1010, 0b1001, 0b1001]);
  });

  it('overwrites an entry recorded twice in a step, last value wins', () => {
    const history = new History({ ids: range(3), series: 'presentation' });
    history.record(0, Int32Array.of(1, 1), bits(1, 0));
    expect(history.correct(1, 0)).toBe(0);
    history.record(0, Int32Array.of(1), bits(7));
    expect(history.correct(1, 0)).toBe(1);
  });

  it('follows the documented word layout, padding bits 0', () => {
    const samples = 70;
    const history = History.fromMatrix({ ids: range(samples), series: 'inference-pass', steps: 3, correct: (p, t) => ((p * 7 + t) % 3 === 0 ? 1 : 0) });
    expect(history.rowWords).toBe(3);
    const words = history.words();
    expect(words).toHaveLength(9);
    for (let t = 0; t < 3; t++) {
      for (let p = 0; p < samples; p++) expect((words[t * 3 + (p >> 5)]! >>> (p & 31)) & 1).toBe((p * 7 + t) % 3 === 0 ? 1 : 0);
      expect(words[t * 3 + 2]! >>> 6).toBe(0);
      expect(Array.from(history.observedWords().subarray(t * 3, t * 3 + 3))).toEqual([0xffffffff, 0xffffffff, 0b111111]);
    }
  });

  it('stores float values at step·N + position, NaN where unobserved', () => {
    const history = new History({ ids: Int32Array.of(5, 6, 7), series: 'presentation', floats: ['loss', 'margin'] });
    history.record(0, Int32Array.of(7, 5), bits(1, 1), { loss: Float32Array.of(0.5, 1.5), margin: Float32Array.of(-1, 2) });
    history.record(1, Int32Array.of(6), bits(0), { loss: Float32Array.of(3) });
    expect(Array.from(history.float('loss')!)).toEqual([1.5, NaN, 0.5, NaN, 3, NaN]);
    expect(Array.from(history.float('margin')!)).toEqual([2, NaN, -1, NaN, NaN, NaN]);
  });

  it('ignores float series passed as undefined', () => {
    const history = new History({ ids: range(2), series: 'presentation', floats: ['loss'] });
    history.record(0, range(2), bits(1, 0), { loss: undefined, margin: undefined });
    expect(Array.from(history.float('loss')!)).toEqual([NaN, NaN]);
  });

  it('accepts only the last step or the next one', () => {
    const history = new History({ ids: range(2), series: 'presentation' });
    expect(thrown(() => history.record(1, range(1), bits(1))).message).toMatch(/step 1 is out of order; expected step 0/);
    expect(() => history.record(-1, range(1), bits(1))).toThrow(HistoryError);
    history.record(0, range(1), bits(1));
    history.record(1, range(1), bits(1));
    history.record(1, range(1), bits(1));
    for (const step of [0, 3, 1.5, NaN, -1]) {
      expect(thrown(() => history.record(step, range(1), bits(1))).message).toMatch(/expected step 1 or 2/);
    }
    expect(history.steps).toBe(2);
  });

  it('names an unknown id and leaves the history unchanged', () => {
    const history = new History({ ids: range(3), series: 'presentation' });
    history.record(0, range(3), bits(1, 1, 1));
    expect(thrown(() => history.record(1, Int32Array.of(0, 42), bits(0, 0))).message).toMatch(/unknown sample id 42/);
    expect(thrown(() => history.record(0, Int32Array.of(-1), bits(0))).message).toMatch(/unknown sample id -1/);
    expect(history.steps).toBe(1);
    expect(history.correct(0, 0)).toBe(1);
  });

  it('rejects mismatched lengths and series it does not keep', () => {
    const history = new History({ ids: range(3), series: 'presentation', floats: ['loss'] });
    expect(() => history.record(0, range(2), bits(1))).toThrow(/2 ids but 1 correctness values/);
    expect(() => history.record(0, range(2), bits(1, 1), { loss: Float32Array.of(1) })).toThrow(/2 ids but 1 'loss' values/);
    expect(() => history.record(0, range(2), bits(1, 1), { pGold: Float32Array.of(1, 1) })).toThrow(/no 'pGold' series/);
    expect(history.steps).toBe(0);
  });

  it('grows past many doublings without losing rows', () => {
    const samples = 45;
    const value = (p: number, t: number) => ((p * 31 + t * 17) % 5 < 2 ? 1 : 0);
    const history = new History({ ids: range(samples, 3), series: 'inference-pass', floats: ['pGold'] });
    const ids = range(samples, 3);
    for (let t = 0; t < 1000; t++) {
      // Odd samples are only seen every third step, so carry-forward spans the copies too.
      const seen = t % 3 === 0 ? ids : ids.filter((id) => (id - 3) % 2 === 0);
      history.record(t, seen, Uint8Array.from(seen, (id) => value(id - 3, t)), { pGold: Float32Array.from(seen, (id) => t + (id - 3) / 100) });
    }
    expect(history.steps).toBe(1000);
    expect(history.words()).toHaveLength(2000);
    for (let t = 0; t < 1000; t++) {
      for (let p = 0; p < samples; p++) {
        const lastSeen = p % 2 === 0 ? t : t - (t % 3);
        expect(history.correct(p, t)).toBe(value(p, lastSeen));
        expect(history.float('pGold')![t * samples + p]).toBe(lastSeen === t ? Math.fround(t + p / 100) : NaN);
      }
    }
  });

  it('range-checks correct()', () => {
    const history = History.fromMatrix({ ids: range(3), series: 'inference-pass', steps: 2, correct: () => 1 });
    expect(() => history.correct(3, 0)).toThrow(RangeError);
    expect(() => history.correct(0, 2)).toThrow(RangeError);
    expect(() => history.correct(-1, 0)).toThrow(RangeError);
    expect(() => History.fromMatrix({ ids: range(3), series: 'inference-pass', steps: -1, correct: () => 1 })).toThrow(HistoryError);
  });

  it('records million-sample inference passes and batches', () => {
    const samples = 1_000_000;
    const ids = range(samples);
    const pass = new History({ ids, series: 'inference-pass', floats: ['loss'] });
    const correct = new Uint8Array(samples);
    const loss = new Float32Array(samples);
    for (let t = 0; t < 4; t++) {
      for (let p = 0; p < samples; p++) correct[p] = p % (t + 2) === 0 ? 1 : 0;
      loss.fill(t);
      pass.record(t, ids, correct, { loss });
    }
    for (let t = 0; t < 4; t++) {
      let ones = 0;
      for (let p = 0; p < samples; p++) ones += pass.correct(p, t);
      expect(ones).toBe(Math.ceil(samples / (t + 2)));
    }
    expect(pass.float('loss')![3 * samples + 999_999]).toBe(3);

    const batches = new History({ ids, series: 'presentation' });
    const order = ids.slice().reverse();
    for (let b = 0; b < samples; b += 128) batches.record(0, order.subarray(b, b + 128), correct.subarray(b, b + 128));
    expect(batches.correct(samples - 1, 0)).toBe(correct[0]);
    expect(batches.correct(samples - 1 - 123_456, 0)).toBe(correct[123_456]);
    expect(batches.observedWords().every((word) => word === 0xffffffff)).toBe(true);
  });
});

describe('History state', () => {
  it('round-trips exactly through JSON, and recording continues afterwards', () => {
    fc.assert(
      fc.property(historyArbitrary, (spec) => {
        const history = randomHistory(spec);
        const restored = History.fromState(JSON.parse(JSON.stringify(history.toState())));
        expectSameHistory(restored, history);
        if (spec.samples > 0) {
          const id = history.ids[0]!;
          for (const h of [history, restored]) h.record(h.steps, Int32Array.of(id), bits(1));
          expectSameHistory(restored, history);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips exactly through its binary state (copies both ways), which base64 of the same bytes equals', () => {
    fc.assert(
      fc.property(historyArbitrary, (spec) => {
        const history = randomHistory(spec);
        const binary = history.toBinaryState();
        const restored = History.fromState(binary);
        expectSameHistory(restored, history);
        const encoded = (array: Int32Array | Uint32Array | Float32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
        const floats = Object.fromEntries(Object.entries(binary.floats).map(([name, values]) => [name, encoded(values)]));
        expect({ ...binary, ids: encoded(binary.ids), correct: encoded(binary.correct), observed: encoded(binary.observed), floats }).toEqual(history.toState());
        if (spec.samples > 0 && spec.steps > 0) {
          // Neither shares storage with the state: a later write to it changes no history.
          binary.correct[0] = ~binary.correct[0]!;
          binary.observed[0] = ~binary.observed[0]!;
          expectSameHistory(restored, history);
          expectSameHistory(History.fromState(history.toBinaryState()), restored);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a binary state whose arrays are of the wrong kind or length', () => {
    const good = History.fromMatrix({ ids: range(33), series: 'inference-pass', steps: 2, correct: () => 1 }).toBinaryState();
    expect(thrown(() => History.fromState({ ...good, ids: Uint32Array.from(good.ids) })).message).toMatch(/ids is not a base64 string or a Int32Array/);
    expect(thrown(() => History.fromState({ ...good, correct: good.correct.subarray(1) })).message).toMatch(/correct holds 12 bytes/);
  });

  it('rejects malformed states with a HistoryError', () => {
    const good = History.fromMatrix({ ids: range(33), series: 'inference-pass', steps: 2, correct: (p) => (p % 2 === 0 ? 1 : 0) }).toState();
    const padded = Buffer.from(good.correct, 'base64');
    padded[7] = 0xff;
    const bad: [unknown, RegExp][] = [
      [null, /not an object/],
      [[], /not an object/],
      [{ ...good, format: 'other' }, /format/],
      [{ ...good, version: 2 }, /version 2/],
      [{ ...good, series: 'epochs' }, /unknown series/],
      [{ ...good, steps: -1 }, /steps is -1/],
      [{ ...good, samples: 1.5 }, /samples is 1.5/],
      [{ ...good, samples: 32 }, /ids holds 132 bytes/],
      [{ ...good, ids: 'not base64!' }, /ids is not a base64 string/],
      [{ ...good, ids: 42 }, /ids is not a base64 string/],
      [{ ...good, correct: good.correct.slice(0, -4) }, /correct holds/],
      [{ ...good, correct: padded.toString('base64') }, /bits set past sample 33 at step 0/],
      [{ ...good, floats: [] }, /floats is not an object/],
      [{ ...good, floats: { accuracy: '' } }, /unknown float series 'accuracy'/],
      [{ ...good, floats: { loss: 'AAAA' } }, /floats.loss holds 3 bytes/],
    ];
    for (const [state, message] of bad) expect(thrown(() => History.fromState(state)).message).toMatch(message);
    expect(History.fromState(good satisfies HistoryState).steps).toBe(2);
  });
});

describe('series names', () => {
  it("reads the pre-0.2 name 'sweep' as 'inference-pass', with a deprecation warning, and refuses unknown names", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = History.fromMatrix({ ids: range(3), series: 'inference-pass', steps: 2, correct: () => 1 }).toState();
    expect(History.fromState({ ...state, series: 'sweep' }).series).toBe('inference-pass');
    expect(warn).toHaveBeenCalledWith(`DeprecationWarning: history state: 'sweep' is deprecated and will be refused from ${LEGACY_NAMES_REMOVED_IN} on; write 'inference-pass'`);
    expect(LEGACY_NAMES_REMOVED_IN).toBe('0.3.0');
    warn.mockClear();
    expect(parseSeries('presentation')).toBe('presentation');
    expect(warn).not.toHaveBeenCalled();
    expect(thrown(() => parseSeries('epoch', '--series')).message).toBe("--series: unknown series \"epoch\"; expected 'presentation' or 'inference-pass'");
    warn.mockRestore();
  });
});
