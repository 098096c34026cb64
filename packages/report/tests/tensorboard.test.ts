import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { crc32c, maskedCrc32c } from '../src/tensorboard/crc32c.js';
import { EventFileWriter, readEventFile } from '../src/tensorboard/index.js';
import { ensureTensorBoardPython } from './tensorboard-python.js';

const scratch = mkdtempSync(join(tmpdir(), 'mgdl-tensorboard-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = (): string => join(scratch, `run-${dirCount++}`);

// An independent decoder: tensorflow's messages restated through protobufjs' reflection API.
const double = (id: number) => ({ type: 'double', id });
const root = protobuf.Root.fromJSON({
  nested: {
    tensorflow: {
      nested: {
        HistogramProto: {
          fields: {
            min: double(1),
            max: double(2),
            num: double(3),
            sum: double(4),
            sum_squares: double(5),
            bucket_limit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simple_value', 'histo'] } },
              fields: {
                tag: { type: 'string', id: 1 },
                simple_value: { type: 'float', id: 2 },
                histo: { type: 'HistogramProto', id: 5 },
              },
            },
          },
        },
        Event: {
          oneofs: { what: { oneof: ['file_version', 'summary'] } },
          fields: {
            wall_time: double(1),
            step: { type: 'int64', id: 2 },
            file_version: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
      },
    },
  },
});
const EventType = root.lookupType('tensorflow.Event');

interface Histo {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}
interface DecodedEvent {
  wall_time?: number;
  step?: number;
  file_version?: string;
  summary?: { value: { tag: string; value: string; simple_value?: number; histo?: Histo }[] };
  /** Which member of Event's oneof is set, as protobufjs' `oneofs` option reports it. */
  what?: string;
}

function unmask(masked: number): number {
  const rotated = (masked - 0xa282ead8) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** TFRecord framing parsed from the byte layout alone, asserting every CRC on the way. */
function parseRecords(bytes: Buffer): { offset: number; data: Buffer }[] {
  const records: { offset: number; data: Buffer }[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = Number(bytes.readBigUInt64LE(offset));
    expect(unmask(bytes.readUInt32LE(offset + 8))).toBe(crc32c(bytes.subarray(offset, offset + 8)));
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    expect(unmask(bytes.readUInt32LE(offset + 12 + length))).toBe(crc32c(data));
    records.push({ offset, data });
    offset += 12 + length + 4;
  }
  expect(offset).toBe(bytes.length);
  return records;
}

function decodeFile(path: string): DecodedEvent[] {
  return parseRecords(readFileSync(path)).map(
    ({ data }) => EventType.toObject(EventType.decode(data), { longs: Number, defaults: true, oneofs: true }) as DecodedEvent,
  );
}

/** A closed writer holding a version record, scalars at steps 0-3 and one histogram. */
function writeSample(dir = freshDir()): string {
  const writer = new EventFileWriter(dir);
  for (let step = 0; step < 4; step++) writer.scalar('loss', 1 / (step + 1), step, 1000 + step);
  writer.histogram('weights', [0, 1, 2, 3], 4, { buckets: 2, wallTime: 1004 });
  writer.close();
  return writer.path;
}

describe('crc32c', () => {
  const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
  it.each([
    ['"123456789"', new TextEncoder().encode('123456789'), 0xe3069283],
    ['empty input', new Uint8Array(0), 0],
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 0xff bytes', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['bytes 0..31', ascending, 0x46dd794e],
    ['bytes 31..0', ascending.slice().reverse(), 0x113fdb5c],
  ])('matches the RFC 3720 vector for %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('masks by rotating right 15 bits and adding 0xa282ead8', () => {
    const data = new TextEncoder().encode('123456789');
    const masked = maskedCrc32c(data);
    expect(masked).toBeGreaterThanOrEqual(0);
    expect(masked).toBeLessThan(2 ** 32);
    expect(masked).not.toBe(crc32c(data));
    expect(unmask(masked)).toBe(crc32c(data));
  });
});

describe('EventFileWriter', () => {
  it('names the file like TensorBoard and starts it with a file_version event', () => {
    const dir = join(freshDir(), 'nested', 'deeper');
    const before = Math.floor(Date.now() / 1000);
    const writer = new EventFileWriter(dir, { suffix: 'train' });
    expect(readdirSync(dir)).toEqual([writer.path.slice(dir.length + 1)]);
    const match = /^events\.out\.tfevents\.(\d+)\.(.+)\.(\d+)\.train$/.exec(writer.path.slice(dir.length + 1));
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(before);
    expect(match![2]).toBe(hostname());
    expect(Number(match![3])).toBe(process.pid);

    // Flushed by the constructor, before any summary.
    const [first, ...rest] = decodeFile(writer.path);
    expect(rest).toEqual([]);
    expect(first!.file_version).toBe('brain.Event:2');
    expect(first!.wall_time).toBeGreaterThanOrEqual(before);
    expect(first!.what).toBe('file_version');
    writer.close();
  });

  it('writes records protobufjs decodes field for field', () => {
    // Zeros included: `value` and `what` name the oneof members present on the wire.
    const scalarEvent = (wall_time: number, step: number, tag: string, simple_value: number): DecodedEvent => ({
      wall_time,
      step,
      what: 'summary',
      summary: { value: [{ tag, value: 'simple_value', simple_value }] },
    });
    const writer = new EventFileWriter(freshDir());
    writer.scalar('loss', 0.1, 0, 1234.5);
    writer.scalar('zero', 0, 2 ** 40, 1235);
    writer.scalar('före/ünïcode', -3, -5, 1236);
    writer.histogram('w', [-1, 0, 0.5, 2, 3], 7, { buckets: 4, wallTime: 1237.25 });
    writer.close();

    const [version, loss, zero, unicode, histogram] = decodeFile(writer.path);
    expect(version!.file_version).toBe('brain.Event:2');
    expect(loss).toEqual(scalarEvent(1234.5, 0, 'loss', Math.fround(0.1)));
    expect(zero).toEqual(scalarEvent(1235, 2 ** 40, 'zero', 0));
    expect(unicode).toEqual(scalarEvent(1236, -5, 'före/ünïcode', -3));
    expect(histogram).toEqual({
      wall_time: 1237.25,
      step: 7,
      what: 'summary',
      summary: {
        value: [
          {
            tag: 'w',
            value: 'histo',
            histo: { min: -1, max: 3, num: 5, sum: 4.5, sum_squares: 14.25, bucket_limit: [0, 1, 2, 3], bucket: [1, 2, 0, 2] },
          },
        ],
      },
    });
  });

  it('spans [min, max] with the requested number of histogram buckets', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10);
    const writer = new EventFileWriter(freshDir());
    writer.histogram('default', values, 0);
    writer.histogram('constant', [2, 2, 2], 1);
    writer.histogram('empty', [], 2);
    writer.close();

    const histos = decodeFile(writer.path)
      .slice(1)
      .map((event) => event.summary!.value[0]!.histo!);
    const [spread, constant, empty] = histos;
    expect(spread!.bucket).toHaveLength(30);
    expect(spread!.bucket.reduce((a, b) => a + b)).toBe(1000);
    expect(spread!.bucket_limit.at(-1)).toBe(spread!.max);
    expect(spread!.min).toBe(Math.min(...values));
    expect(spread!.max).toBe(Math.max(...values));
    for (let i = 1; i < 30; i++) expect(spread!.bucket_limit[i]!).toBeGreaterThan(spread!.bucket_limit[i - 1]!);
    // Every value is counted in the bucket its limits say it belongs to.
    const recount = new Array<number>(30).fill(0);
    for (const v of values) {
      const index = spread!.bucket_limit.findIndex((limit, i) => v < limit || i === 29);
      recount[index]!++;
    }
    expect(spread!.bucket).toEqual(recount);
    expect(constant).toMatchObject({ min: 2, max: 2, num: 3, bucket_limit: [2], bucket: [3] });
    expect(empty).toMatchObject({ num: 0, bucket_limit: [0], bucket: [0] });
  });

  it('rejects non-finite histogram values and bad bucket counts', () => {
    const writer = new EventFileWriter(freshDir());
    expect(() => writer.histogram('h', [1, NaN], 0)).toThrow(/histogram h: value NaN at index 1/);
    expect(() => writer.histogram('h', [1, 2], 0, { buckets: 0 })).toThrow(/positive integer/);
    expect(() => writer.scalar('s', 1, 0.5)).toThrow(/not a safe integer/);
    writer.close();
    expect(decodeFile(writer.path)).toHaveLength(1);
  });

  it('buffers records until flush and refuses writes once closed', () => {
    const writer = new EventFileWriter(freshDir());
    writer.scalar('a', 1, 1);
    expect(decodeFile(writer.path)).toHaveLength(1);
    writer.flush();
    expect(decodeFile(writer.path)).toHaveLength(2);
    writer.close();
    writer.close();
    expect(() => writer.scalar('a', 2, 2)).toThrow(/is closed/);
    expect(() => writer.flush()).toThrow(/is closed/);
  });

  it('refuses to share a file name or take a path-like suffix', () => {
    const dir = freshDir();
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    try {
      new EventFileWriter(dir, { suffix: 'a' }).close();
      expect(() => new EventFileWriter(dir, { suffix: 'a' })).toThrow(/already exists: give writers sharing a directory distinct suffixes/);
      new EventFileWriter(dir, { suffix: 'b' }).close();
    } finally {
      vi.restoreAllMocks();
    }
    expect(readdirSync(dir)).toHaveLength(2);
    expect(() => new EventFileWriter(dir, { suffix: '../escape' })).toThrow(/may hold only/);
  });
});

describe('readEventFile', () => {
  it('reads back what the writer wrote', () => {
    const records = readEventFile(writeSample());
    expect(records[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2', scalars: [] });
    expect(records.slice(1)).toEqual([
      { wallTime: 1000, step: 0, scalars: [{ tag: 'loss', value: 1 }] },
      { wallTime: 1001, step: 1, scalars: [{ tag: 'loss', value: Math.fround(1 / 2) }] },
      { wallTime: 1002, step: 2, scalars: [{ tag: 'loss', value: Math.fround(1 / 3) }] },
      { wallTime: 1003, step: 3, scalars: [{ tag: 'loss', value: Math.fround(1 / 4) }] },
      // Histograms are not scalars: the event stays, its value is skipped.
      { wallTime: 1004, step: 4, scalars: [] },
    ]);
  });

  it('names the file and record offset when a data byte is corrupted', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    const third = parseRecords(bytes)[2]!;
    bytes[third.offset + 12 + 3]! ^= 0x01;
    writeFileSync(path, bytes);
    expect(() => readEventFile(path)).toThrow(`${path}: record at byte ${third.offset}: data CRC mismatch`);
  });

  it('names the file and record offset when a length byte is corrupted', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    const second = parseRecords(bytes)[1]!;
    bytes[second.offset]! ^= 0x80;
    writeFileSync(path, bytes);
    expect(() => readEventFile(path)).toThrow(`${path}: record at byte ${second.offset}: length CRC mismatch`);
  });

  it('returns the records before a truncated last record', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    const records = parseRecords(bytes);
    const last = records.at(-1)!;
    const complete = readEventFile(path).slice(0, -1);
    // Cut inside the header, inside the data, and just before the data CRC.
    // Shortest last: truncateSync to a greater length would pad with zeros.
    for (const cut of [bytes.length - 1, last.offset + 12 + 10, last.offset + 5]) {
      truncateSync(path, cut);
      expect(readEventFile(path)).toEqual(complete);
    }
    truncateSync(path, 0);
    expect(readEventFile(path)).toEqual([]);
  });
});

let python = '';

// TensorBoard's loader migrates simple_value and histo into tensor summaries, so this script
// reports each value as plugin name plus tensor contents.
const loadWithTensorBoard = `
import json, sys
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.util import tensor_util
events = []
for event in event_file_loader.EventFileLoader(sys.argv[1]).Load():
    values = [{"tag": v.tag, "plugin": v.metadata.plugin_data.plugin_name,
               "tensor": tensor_util.make_ndarray(v.tensor).tolist()} for v in event.summary.value]
    events.append({"wall_time": event.wall_time, "step": event.step,
                   "file_version": event.file_version, "values": values})
print(json.dumps(events))
`;

describe("TensorBoard's event_file_loader", () => {
  beforeAll(() => {
    python = ensureTensorBoardPython();
  });

  it('loads scalars and histograms from a written file', () => {
    const result = spawnSync(python, ['-c', loadWithTensorBoard, writeSample()], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const events = JSON.parse(result.stdout) as {
      step: number;
      file_version: string;
      values: { tag: string; plugin: string; tensor: number | number[][] }[];
    }[];
    expect(events[0]!.file_version).toBe('brain.Event:2');
    const scalars = events.flatMap((e) => e.values.filter((v) => v.plugin === 'scalars').map((v) => [e.step, v.tensor]));
    expect(scalars).toEqual([
      [0, 1],
      [1, Math.fround(1 / 2)],
      [2, Math.fround(1 / 3)],
      [3, Math.fround(1 / 4)],
    ]);
    const histogram = events.flatMap((e) => e.values).find((v) => v.plugin === 'histograms')!;
    // [left, right, count] per bucket.
    expect(histogram.tensor).toEqual([
      [0, 1.5, 2],
      [1.5, 3, 2],
    ]);
  });
});
