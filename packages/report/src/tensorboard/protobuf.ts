/**
 * Just enough protobuf for TensorBoard event files: a wire-format writer and reader, and the
 * tensorflow `Event` messages built on them (field numbers from tensorflow/core/util/event.proto and
 * tensorflow/core/framework/summary.proto). A dependency-free codec keeps @mgdl/report pure
 * TypeScript; the tests check it against protobufjs.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private length = 0;

  double(field: number, value: number): this {
    this.key(field, FIXED64);
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  int64(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field ${field}: ${value} is not a safe integer`);
    this.key(field, VARINT);
    // Negative int64s go on the wire as 64-bit two's complement, so they always take ten bytes.
    this.varint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(BigInt(value.length));
    this.reserve(value.length);
    this.buf.set(value, this.length);
    this.length += value.length;
    return this;
  }

  packedDoubles(field: number, values: ArrayLike<number>): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(BigInt(values.length * 8));
    this.reserve(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.length, values[i]!, true);
      this.length += 8;
    }
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt(field * 8 + wireType));
  }

  private varint(value: bigint): void {
    this.reserve(10);
    let rest = value;
    while (rest >= 0x80n) {
      this.buf[this.length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.length++] = Number(rest);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

class ProtoReader {
  private offset = 0;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  key(): { field: number; wireType: number } {
    const key = Number(this.varint());
    return { field: Math.floor(key / 8), wireType: key % 8 };
  }

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const byte = this.bytes[this.offset++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new RangeError(`protobuf varint longer than ten bytes at byte ${this.offset}`);
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  float(): number {
    this.need(4);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  bytesField(): Uint8Array {
    const length = Number(this.varint());
    this.need(length);
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): string {
    return utf8Decoder.decode(this.bytesField());
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.double();
    else if (wireType === LENGTH_DELIMITED) this.bytesField();
    else if (wireType === FIXED32) this.float();
    // Groups (3, 4) are proto2-only and absent from the event schema, so they mean corruption.
    else throw new RangeError(`unsupported protobuf wire type ${wireType} before byte ${this.offset}`);
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.bytes.length) {
      throw new RangeError(`protobuf message truncated: ${bytes} bytes needed at byte ${this.offset} of ${this.bytes.length}`);
    }
  }
}

/** tensorflow.HistogramProto: bucket i counts values in [bucketLimit[i - 1], bucketLimit[i]). */
export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: ArrayLike<number>;
  bucket: ArrayLike<number>;
}

/** tensorflow.Summary.Value, limited to the two kinds of its `value` oneof that mgdl writes. */
export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; histo: HistogramProto };

/** tensorflow.Event; `fileVersion` and `summary` share a oneof, so set at most one. */
export interface EventProto {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: readonly SummaryValue[];
}

export interface ScalarValue {
  tag: string;
  value: number;
}

/** What mgdl reads back from an Event: everything but non-scalar summary values. */
export interface EventRecord {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: ScalarValue[];
}

// Scalars and histograms always go on the wire, even when zero: they sit in a oneof, where
// presence is the point. The other fields follow for simplicity; parsers accept explicit zeros.
export function encodeEvent(event: EventProto): Uint8Array {
  const writer = new ProtoWriter().double(1, event.wallTime).int64(2, event.step);
  if (event.fileVersion !== undefined) writer.string(3, event.fileVersion);
  if (event.summary !== undefined) writer.bytes(5, encodeSummary(event.summary));
  return writer.finish();
}

function encodeSummary(values: readonly SummaryValue[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const value of values) {
    const writer = new ProtoWriter().string(1, value.tag);
    if ('simpleValue' in value) writer.float(2, value.simpleValue);
    else writer.bytes(5, encodeHistogram(value.histo));
    summary.bytes(1, writer.finish());
  }
  return summary.finish();
}

function encodeHistogram(histo: HistogramProto): Uint8Array {
  return new ProtoWriter()
    .double(1, histo.min)
    .double(2, histo.max)
    .double(3, histo.num)
    .double(4, histo.sum)
    .double(5, histo.sumSquares)
    .packedDoubles(6, histo.bucketLimit)
    .packedDoubles(7, histo.bucket)
    .finish();
}

/** Decodes an Event, skipping every field EventRecord leaves out. */
export function decodeEvent(bytes: Uint8Array): EventRecord {
  const record: EventRecord = { wallTime: 0, step: 0, scalars: [] };
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === 1 && wireType === FIXED64) record.wallTime = reader.double();
    else if (field === 2 && wireType === VARINT) record.step = Number(BigInt.asIntN(64, reader.varint()));
    else if (field === 3 && wireType === LENGTH_DELIMITED) record.fileVersion = reader.string();
    else if (field === 5 && wireType === LENGTH_DELIMITED) record.scalars.push(...decodeScalars(reader.bytesField()));
    else reader.skip(wireType);
  }
  return record;
}

function decodeScalars(bytes: Uint8Array): ScalarValue[] {
  const scalars: ScalarValue[] = [];
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === 1 && wireType === LENGTH_DELIMITED) {
      const scalar = decodeScalar(reader.bytesField());
      if (scalar !== undefined) scalars.push(scalar);
    } else reader.skip(wireType);
  }
  return scalars;
}

function decodeScalar(bytes: Uint8Array): ScalarValue | undefined {
  let tag = '';
  let value: number | undefined;
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === 1 && wireType === LENGTH_DELIMITED) tag = reader.string();
    else if (field === 2 && wireType === FIXED32) value = reader.float();
    else reader.skip(wireType);
  }
  return value === undefined ? undefined : { tag, value };
}
