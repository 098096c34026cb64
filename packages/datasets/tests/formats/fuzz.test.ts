// Every parser, on any bytes at all, must return a result or throw a DatasetError naming the file:
// never a RangeError, TypeError or a read past the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors.js';
import { parseCifarBatch } from '../../src/formats/cifar.js';
import { maybeGunzip } from '../../src/formats/gzip.js';
import { parseIdx } from '../../src/formats/idx.js';
import { readTar } from '../../src/formats/tar.js';
import { TREC_FINE_LABELS, parseTrec } from '../../src/formats/trec.js';
import { encodeCifarBatch, encodeIdx, encodeTar, encodeTrec, gzip, setTarChecksum } from '../fixtures/encode.js';

const FILE = 'fuzzed.bin';
const RUNS = 200;
const bytesOf = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed) & 0xff);

/** The parse result, or undefined when it threw a DatasetError naming the file. */
function resultOrDatasetError<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    expect(err.message).toContain(FILE);
    return undefined;
  }
}

const idx = encodeIdx([3, 4, 5], bytesOf(60, 1));
const cifar = encodeCifarBatch(bytesOf(2 * 3072, 2), [7, 3]);
const tar = encodeTar(
  [
    { name: 'd/', data: new Uint8Array(0), dir: true },
    { name: 'd/a', data: bytesOf(600, 3) },
    { name: `${'long/'.repeat(30)}b`, data: bytesOf(10, 4) },
    { name: `${'deeper/'.repeat(20)}c`, data: bytesOf(0, 5) },
  ],
  'gnu',
);
const paxTar = encodeTar([{ name: `${'pax/'.repeat(30)}c`, data: bytesOf(20, 5) }], 'pax');
const trec = encodeTrec(TREC_FINE_LABELS.map((label, i) => ({ label, text: `Question ${i} ?` })));

// Out-of-range typed-array reads give undefined rather than throwing, so results are checked too.
function checkedIdx(bytes: Uint8Array): ReturnType<typeof parseIdx> {
  const parsed = parseIdx(bytes, FILE);
  expect(parsed.dims.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
  expect(parsed.data.length).toBe(parsed.dims.reduce((a, d) => a * d, 1));
  return parsed;
}

function checkedCifar(bytes: Uint8Array): ReturnType<typeof parseCifarBatch> {
  const parsed = parseCifarBatch(bytes, FILE);
  expect(parsed.images.length).toBe(parsed.labels.length * 3072);
  expect(parsed.labels.every((l) => l >= 0 && l < 10)).toBe(true);
  return parsed;
}

function checkedTar(bytes: Uint8Array): Map<string, Uint8Array> {
  const members = readTar(bytes, FILE);
  for (const data of members.values()) {
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.byteOffset + data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
  }
  return members;
}

function checkedTrec(bytes: Uint8Array): ReturnType<typeof parseTrec> {
  const parsed = parseTrec(bytes, FILE);
  expect(parsed.coarse.length).toBe(parsed.questions.length);
  expect(parsed.fine.length).toBe(parsed.questions.length);
  expect(parsed.fine.every((f) => TREC_FINE_LABELS[f] !== undefined)).toBe(true);
  expect(parsed.questions.every((q) => q.trim() !== '')).toBe(true);
  return parsed;
}

interface Target {
  name: string;
  parse: (bytes: Uint8Array) => unknown;
  valid: Uint8Array;
  /** Asserts that what a prefix of `valid` parsed to is part of the whole: never a shortened record. */
  checkPrefix: (bytes: Uint8Array) => void;
}

function target<T>(name: string, parse: (bytes: Uint8Array) => T, valid: Uint8Array, fits: (part: T, whole: T) => void): Target {
  const whole = parse(valid);
  return {
    name,
    parse,
    valid,
    checkPrefix: (bytes) => {
      const part = resultOrDatasetError(() => parse(bytes));
      if (part !== undefined) fits(part, whole);
    },
  };
}

const same = <T>(part: T, whole: T): void => void expect(part).toEqual(whole);

function membersOfWhole(part: Map<string, Uint8Array>, whole: Map<string, Uint8Array>): void {
  // Byte loops rather than toEqual: many tar prefixes parse, and deep equality is slow there.
  for (const [name, data] of part) {
    const full = whole.get(name);
    expect(full !== undefined && full.length === data.length && data.every((b, i) => b === full[i]), name).toBe(true);
  }
}

function recordsOfWhole(part: ReturnType<typeof parseCifarBatch>, whole: ReturnType<typeof parseCifarBatch>): void {
  expect(part.labels).toEqual(whole.labels.subarray(0, part.labels.length));
  expect(part.images).toEqual(whole.images.subarray(0, part.images.length));
}

function linesOfWhole(part: ReturnType<typeof parseTrec>, whole: ReturnType<typeof parseTrec>): void {
  // A cut can only shorten the text of the last question.
  const n = part.questions.length;
  expect(part.questions.slice(0, -1)).toEqual(whole.questions.slice(0, n - 1));
  expect(whole.questions[n - 1]!.startsWith(part.questions[n - 1]!)).toBe(true);
}

// A prefix that parses must agree with the whole: a tar may end at any member boundary (its end
// blocks are optional), a CIFAR batch at a record boundary, a TREC file anywhere in a line; IDX and
// gzip data never parse short.
const targets: Target[] = [
  target('parseIdx', checkedIdx, idx, same),
  target('parseCifarBatch', checkedCifar, cifar, recordsOfWhole),
  target('readTar (GNU)', checkedTar, tar, membersOfWhole),
  target('readTar (pax)', checkedTar, paxTar, membersOfWhole),
  target('parseTrec', checkedTrec, trec, linesOfWhole),
  target('maybeGunzip + parseIdx', (b) => checkedIdx(maybeGunzip(b, FILE)), gzip(idx), same),
  target(
    'maybeGunzip + readTar + parseCifarBatch',
    (b) => [...checkedTar(maybeGunzip(b, FILE)).values()].map(checkedCifar),
    gzip(encodeTar([{ name: 'data_batch_1.bin', data: cifar }])),
    same,
  ),
];

const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });

function flipped(valid: Uint8Array, changes: [number, number][]): Uint8Array {
  const bytes = valid.slice();
  for (const [at, value] of changes) bytes[at % bytes.length] = value;
  return bytes;
}

describe.each(targets)('$name on damaged input', ({ parse, valid, checkPrefix }) => {
  it('survives truncation at every length, never returning a shortened record', () => {
    for (let n = 0; n < valid.length; n++) checkPrefix(valid.subarray(0, n));
  });

  it('survives random byte changes', () => {
    fc.assert(fc.property(flips, (changes) => void resultOrDatasetError(() => parse(flipped(valid, changes)))), { numRuns: RUNS });
  });

  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => void resultOrDatasetError(() => parse(bytes))), {
      numRuns: RUNS,
    });
  });
});

describe('structured fuzzing past the first checks', () => {
  it('parseIdx survives any header with plausible types and dims', () => {
    const header = fc.record({
      type: fc.constantFrom(0x08, 0x09, 0x0d, 0x01),
      dims: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
      data: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(header, ({ type, dims, data }) => {
        const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
        bytes.set([0, 0, type, dims.length]);
        dims.forEach((d, i) => (bytes[7 + 4 * i] = d));
        bytes.set(data, 4 + 4 * dims.length);
        resultOrDatasetError(() => checkedIdx(bytes));
      }),
      { numRuns: RUNS },
    );
  });

  it('readTar survives header changes that keep checksums valid', () => {
    for (const valid of [tar, paxTar]) {
      fc.assert(
        fc.property(flips, (changes) => {
          const bytes = flipped(valid, changes);
          for (let at = 0; at + 512 <= bytes.length; at += 512) {
            const block = bytes.subarray(at, at + 512);
            if (block.some((b) => b !== 0)) setTarChecksum(block);
          }
          resultOrDatasetError(() => checkedTar(bytes));
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('parseTrec survives lines built from labels, separators and random text', () => {
    const piece = fc.oneof(fc.constantFrom(...TREC_FINE_LABELS, 'NUM', 'X:y', ' ', ':', '\n', '\r', '\r\n'), fc.string());
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const bytes = Uint8Array.from(pieces.join(''), (c) => c.charCodeAt(0) & 0xff);
        resultOrDatasetError(() => checkedTrec(bytes));
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
