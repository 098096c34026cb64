import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from './crc32c.js';
import { decodeEvent, encodeEvent, type EventProto, type EventRecord, type HistogramProto } from './protobuf.js';

/** The version string TensorBoard expects in the first Event of a file. */
const FILE_VERSION = 'brain.Event:2';

/** TFRecord framing: uint64 LE data length and its masked CRC-32C, the data, then the data's masked CRC-32C. */
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;

export interface EventFileWriterOptions {
  /** Appended to the file name after a dot, e.g. "train"; letters, digits, `_`, `.` and `-` only. */
  suffix?: string;
}

export interface HistogramOptions {
  /** Number of equal-width buckets spanning [min, max] of the values; defaults to 30. */
  buckets?: number;
  /** Seconds since the Unix epoch; defaults to now. */
  wallTime?: number;
}

/**
 * Writes one TensorBoard event file. Records are buffered until `flush()` or `close()`, which
 * append them in a single write and fsync: the file only ever ends in a torn record while a write
 * is in flight or after a crash during one, and readers take a torn tail as not yet written.
 */
export class EventFileWriter {
  readonly path: string;
  private fd: number | undefined;
  private pending: Uint8Array[] = [];

  constructor(dir: string, options: EventFileWriterOptions = {}) {
    const { suffix } = options;
    if (suffix !== undefined && !/^[\w.-]+$/.test(suffix)) {
      throw new Error(`EventFileWriter suffix ${JSON.stringify(suffix)} may hold only letters, digits, "_", "." and "-"`);
    }
    mkdirSync(dir, { recursive: true });
    const wallTime = Date.now() / 1000;
    const name = `events.out.tfevents.${Math.floor(wallTime)}.${hostname()}.${process.pid}`;
    this.path = join(dir, suffix === undefined ? name : `${name}.${suffix}`);
    try {
      // Exclusive create: a second writer with the same name would interleave its records into ours.
      this.fd = openSync(this.path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(`${this.path} already exists: give writers sharing a directory distinct suffixes`, { cause: error });
    }
    this.push({ wallTime, step: 0, fileVersion: FILE_VERSION });
    // Written at once so the file is a valid event file before the first summary arrives.
    this.flush();
  }

  /** Records a scalar; TensorBoard stores it as float32, so `value` is rounded to that. */
  scalar(tag: string, value: number, step: number, wallTime = Date.now() / 1000): void {
    this.push({ wallTime, step, summary: [{ tag, simpleValue: value }] });
  }

  /** Records a histogram of finite `values` in equal-width buckets between their min and max. */
  histogram(tag: string, values: ArrayLike<number>, step: number, options: HistogramOptions = {}): void {
    const { buckets = 30, wallTime = Date.now() / 1000 } = options;
    if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`histogram ${tag}: buckets must be a positive integer, got ${buckets}`);
    this.push({ wallTime, step, summary: [{ tag, histo: buildHistogram(tag, values, buckets) }] });
  }

  flush(): void {
    const fd = this.openFd();
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    this.pending = [];
  }

  /** Flushes and closes the file; later calls do nothing. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private push(event: EventProto): void {
    this.openFd();
    this.pending.push(frameRecord(encodeEvent(event)));
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    return this.fd;
  }
}

/**
 * Bucket i counts values in [limit[i - 1], limit[i]), the last one closed at max. TensorBoard draws
 * bucket i from limit[i - 1] (min for the first) to limit[i] (max for the last), so equal widths
 * over [min, max] display without empty tails. Constant or empty input gets a single bucket.
 */
function buildHistogram(tag: string, values: ArrayLike<number>, buckets: number): HistogramProto {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`histogram ${tag}: value ${v} at index ${i} is not finite`);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  const num = values.length;
  if (num === 0) return { min: 0, max: 0, num, sum, sumSquares, bucketLimit: [0], bucket: [0] };
  if (min === max) return { min, max, num, sum, sumSquares, bucketLimit: [max], bucket: [num] };

  const width = (max - min) / buckets;
  const bucketLimit = new Float64Array(buckets);
  for (let i = 0; i < buckets - 1; i++) bucketLimit[i] = min + (i + 1) * width;
  bucketLimit[buckets - 1] = max;
  const bucket = new Float64Array(buckets);
  for (let i = 0; i < num; i++) {
    const v = values[i]!;
    let index = Math.min(buckets - 1, Math.floor((v - min) / width));
    // The division can land one bucket off at an edge; settle it against the limits as written.
    while (index > 0 && v < bucketLimit[index - 1]!) index--;
    while (index < buckets - 1 && v >= bucketLimit[index]!) index++;
    bucket[index]!++;
  }
  return { min, max, num, sum, sumSquares, bucketLimit, bucket };
}

function frameRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(HEADER_BYTES + data.length + FOOTER_BYTES);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true);
  record.set(data, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return record;
}

/**
 * Reads every Event in a TFRecord event file, checking both CRCs of each record. A torn last
 * record is what a file still being written looks like, so, like TensorBoard, it ends the read
 * without an error; a CRC mismatch or an undecodable Event throws, naming the record's offset.
 */
export function readEventFile(path: string): EventRecord[] {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: EventRecord[] = [];
  let offset = 0;
  while (bytes.length - offset >= HEADER_BYTES) {
    if (maskedCrc32c(bytes.subarray(offset, offset + 8)) !== view.getUint32(offset + 8, true)) {
      throw corruptRecord(path, offset, 'length CRC mismatch');
    }
    const length = view.getBigUint64(offset, true);
    if (length > BigInt(bytes.length - offset - HEADER_BYTES - FOOTER_BYTES)) break;
    const dataStart = offset + HEADER_BYTES;
    const dataEnd = dataStart + Number(length);
    const data = bytes.subarray(dataStart, dataEnd);
    if (maskedCrc32c(data) !== view.getUint32(dataEnd, true)) throw corruptRecord(path, offset, 'data CRC mismatch');
    try {
      records.push(decodeEvent(data));
    } catch (error) {
      throw corruptRecord(path, offset, `undecodable Event (${(error as Error).message})`, error);
    }
    offset = dataEnd + FOOTER_BYTES;
  }
  return records;
}

function corruptRecord(path: string, offset: number, problem: string, cause?: unknown): Error {
  return new Error(`${path}: record at byte ${offset}: ${problem}`, { cause });
}
