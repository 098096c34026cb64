import { DatasetError } from '../errors.js';

/** IDX element types, by the type byte of the magic number. */
const IDX_TYPES = new Map<number, string>([
  [0x08, 'unsigned byte'],
  [0x09, 'signed byte'],
  [0x0b, 'int16'],
  [0x0c, 'int32'],
  [0x0d, 'float32'],
  [0x0e, 'float64'],
]);
const UBYTE = 0x08;
const MAGIC_TEXT = 'an IDX magic number: 00 00, a type byte (08 for unsigned byte), then 1-255 dimensions';

/** Parses an IDX file (the MNIST format) of unsigned bytes; `data` is a view into `bytes`. */
export function parseIdx(bytes: Uint8Array, file: string): { dims: number[]; data: Uint8Array } {
  if ((bytes.length > 0 && bytes[0] !== 0) || (bytes.length > 1 && bytes[1] !== 0) || bytes[3] === 0) {
    throw new DatasetError('bad-magic', 'not an IDX file', { file, offset: 0, expected: MAGIC_TEXT });
  }
  if (bytes.length < 4) {
    throw new DatasetError('truncated', `file ends inside the 4-byte IDX magic number (${bytes.length} bytes)`, {
      file,
      offset: bytes.length,
      expected: MAGIC_TEXT,
    });
  }
  const type = bytes[2]!;
  const typeName = IDX_TYPES.get(type);
  if (typeName === undefined) {
    throw new DatasetError('bad-magic', `unknown IDX type byte 0x${hex(type)}`, { file, offset: 0, expected: MAGIC_TEXT });
  }
  if (type !== UBYTE) {
    throw new DatasetError('bad-value', `IDX element type ${typeName} (0x${hex(type)}) is not supported`, {
      file,
      offset: 2,
      expected: 'unsigned byte data (type 0x08), the only type MNIST-style files use',
    });
  }

  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DatasetError('truncated', `header ends after ${bytes.length} of ${headerBytes} bytes`, {
      file,
      offset: bytes.length,
      expected: `the magic number and ${ndim} big-endian uint32 dimensions`,
    });
  }
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(readU32BE(bytes, 4 + 4 * i));

  // Past 2^53 the product is no longer exact, but it is then far beyond any real file length anyway.
  const dataBytes = dims.reduce((a, d) => a * d, 1);
  const found = bytes.length - headerBytes;
  const shape = dims.join('×');
  // A cut-short download keeps a sane header; a shape needing far more than the file holds means the header itself is garbled.
  if (found < dataBytes && dataBytes > 4 * Math.max(bytes.length, 1 << 20)) {
    throw new DatasetError('bad-value', `the header declares shape ${shape} (${byteCount(dataBytes)} bytes), far more than the file's ${byteCount(found)} data bytes: the header is damaged`, {
      file,
      offset: 4,
      expected: `dimensions that fit the file; replace it with the published file, or delete it to download again`,
    });
  }
  if (found < dataBytes) {
    throw new DatasetError('truncated', `data ends after ${found} of ${byteCount(dataBytes)} bytes`, {
      file,
      offset: bytes.length,
      expected: `${byteCount(dataBytes)} data bytes for shape ${shape}`,
      hint: 'the file was probably cut short; delete it and fetch it again',
    });
  }
  if (found > dataBytes) {
    throw new DatasetError('record-size', `${found - dataBytes} trailing bytes after the data`, {
      file,
      offset: headerBytes + dataBytes,
      expected: `exactly ${dataBytes} data bytes for shape ${shape}`,
    });
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function readU32BE(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function byteCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : 'more than 2^53';
}
