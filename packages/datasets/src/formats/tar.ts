import { DatasetError } from '../errors.js';

const BLOCK = 512;
const utf8 = new TextDecoder();
const USTAR_MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00]; // "ustar\0": POSIX, whose bytes 345..500 are a name prefix

/**
 * Regular-file members of a POSIX ustar / GNU / pax tar archive, by path; values are views into
 * `bytes`. Directories, links and other entry types are skipped.
 */
export function readTar(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  // GNU tar rejects an empty file too; it is a failed download far more often than an empty archive.
  if (bytes.length === 0) {
    throw new DatasetError('truncated', 'file is empty', { file, offset: 0, expected: 'a tar archive of 512-byte blocks' });
  }
  const members = new Map<string, Uint8Array>();
  // Set by a GNU 'L' or pax 'x' entry; names the entry that follows it.
  let pendingName: string | undefined;
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < BLOCK) {
      throw new DatasetError('truncated', `archive ends inside a ${BLOCK}-byte header`, {
        file,
        offset,
        expected: `a whole header block, found ${bytes.length - offset} bytes`,
      });
    }
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZero(header)) {
      const next = bytes.subarray(offset + BLOCK, offset + 2 * BLOCK);
      // A lone zero block followed by more headers would silently hide the members after it.
      if (next.length === BLOCK && !isZero(next)) {
        throw new DatasetError('corrupt-archive', 'a zero block is followed by another header', {
          file,
          offset,
          expected: 'two zero blocks at the end of the archive',
        });
      }
      break;
    }
    verifyChecksum(header, file, offset);

    const size = readSize(header, file, offset);
    const name = pendingName ?? headerName(header);
    const dataStart = offset + BLOCK;
    if (size > bytes.length - dataStart) {
      throw new DatasetError('truncated', `member "${name}" declares ${size} data bytes but only ${bytes.length - dataStart} remain`, {
        file,
        offset,
        expected: 'the whole member inside the archive',
        hint: 'the archive was probably cut short; delete it and fetch it again',
      });
    }
    const data = bytes.subarray(dataStart, dataStart + size);

    switch (header[156]) {
      case 0x30: // '0'
      case 0x00: // pre-POSIX regular file
        members.set(name, data);
        pendingName = undefined;
        break;
      case 0x4c: // 'L': GNU long name
        pendingName = cString(data);
        break;
      case 0x78: // 'x': pax header for the next entry
        pendingName = paxPath(data, file, dataStart) ?? pendingName;
        break;
      case 0x67: // 'g': global pax header
      case 0x4b: // 'K': GNU long link target
        break;
      default: // directories, links, devices: not data, but they do consume a pending name
        pendingName = undefined;
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (pendingName !== undefined) {
    throw new DatasetError('truncated', `archive ends after the long name "${pendingName}" but before its entry`, {
      file,
      offset: bytes.length,
      expected: 'a header after each long-name or pax header',
    });
  }
  return members;
}

function verifyChecksum(header: Uint8Array, file: string, offset: number): void {
  const stored = readOctal(header.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b < 0x80 ? b : b - 0x100;
  }
  // Some old writers summed signed chars; GNU tar accepts either sum, and so do we.
  if (stored !== unsigned && stored !== signed) {
    throw new DatasetError('corrupt-archive', `header checksum ${stored ?? '(unreadable)'} does not match the computed ${unsigned}`, {
      file,
      offset,
      expected: 'a tar header whose checksum field (bytes 148..155) matches its contents',
      hint: 'the archive is damaged or not a tar file; delete it and fetch it again',
    });
  }
}

function readSize(header: Uint8Array, file: string, offset: number): number {
  const field = header.subarray(124, 136);
  const first = field[0]!;
  let size: number | undefined;
  if (first & 0x80) {
    // GNU base-256 for sizes past 8 GiB: big-endian with the top bit as marker and 0x40 as sign.
    size = first & 0x40 ? undefined : first & 0x3f;
    for (let i = 1; size !== undefined && i < field.length; i++) size = size * 256 + field[i]!;
  } else {
    size = readOctal(field);
  }
  if (size === undefined) {
    throw new DatasetError('corrupt-archive', 'unreadable size field', {
      file,
      offset: offset + 124,
      expected: 'a non-negative octal or base-256 size in bytes 124..135',
    });
  }
  return size;
}

/** Octal digits with optional leading spaces, ended by NUL or space; undefined when malformed. */
function readOctal(field: Uint8Array): number | undefined {
  let i = 0;
  while (field[i] === 0x20) i++;
  const firstDigit = i;
  let value = 0;
  for (; i < field.length && field[i] !== 0x00 && field[i] !== 0x20; i++) {
    const digit = field[i]! - 0x30;
    if (digit < 0 || digit > 7) return undefined;
    value = value * 8 + digit;
  }
  if (i === firstDigit) return undefined;
  for (; i < field.length; i++) if (field[i] !== 0x00 && field[i] !== 0x20) return undefined;
  return value;
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const posix = USTAR_MAGIC.every((b, i) => header[257 + i] === b);
  const prefix = posix ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** The `path` of a pax extended header (records "<length> <key>=<value>\n"), if it has one. */
function paxPath(data: Uint8Array, file: string, dataStart: number): string | undefined {
  let path: string | undefined;
  for (let pos = 0; pos < data.length; ) {
    let i = pos;
    let length = 0;
    for (; i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39; i++) length = length * 10 + data[i]! - 0x30;
    const end = pos + length;
    const record = data[i] === 0x20 && end <= data.length && data[end - 1] === 0x0a
      ? utf8.decode(data.subarray(i + 1, end - 1))
      : '';
    const eq = record.indexOf('=');
    if (eq < 0) {
      throw new DatasetError('corrupt-archive', 'malformed pax header record', {
        file,
        offset: dataStart + pos,
        expected: 'records of the form "<length> <key>=<value>\\n"',
      });
    }
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    pos = end;
  }
  return path;
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function isZero(block: Uint8Array): boolean {
  return block.every((b) => b === 0);
}
