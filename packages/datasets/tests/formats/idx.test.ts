import { describe, expect, it } from 'vitest';
import { maybeGunzip } from '../../src/formats/gzip.js';
import { parseIdx } from '../../src/formats/idx.js';
import { encodeIdx, gzip } from '../fixtures/encode.js';
import { expectDatasetError } from '../fixtures/expect-error.js';

const FILE = 't10k-images-idx3-ubyte';
const bytesOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);

describe('parseIdx', () => {
  it('round-trips an image tensor, returning a view of the input', () => {
    const data = bytesOf(3 * 28 * 28);
    const file = encodeIdx([3, 28, 28], data);
    const parsed = parseIdx(file, FILE);
    expect(parsed.dims).toEqual([3, 28, 28]);
    expect(parsed.data).toEqual(data);
    expect(parsed.data.buffer).toBe(file.buffer);
  });

  it('reads the header by hand-built bytes, dims big-endian', () => {
    const file = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9);
    expect(parseIdx(file, FILE)).toEqual({ dims: [3], data: Uint8Array.of(7, 8, 9) });
    const big = encodeIdx([0x01020304, 0], new Uint8Array(0));
    expect(parseIdx(big, FILE).dims).toEqual([0x01020304, 0]);
  });

  it('round-trips through gzip', () => {
    const data = bytesOf(10);
    expect(parseIdx(maybeGunzip(gzip(encodeIdx([10], data)), FILE), FILE).data).toEqual(data);
  });

  it('rejects a wrong magic number as bad-magic at offset 0', () => {
    for (const file of [Uint8Array.of(1), Uint8Array.of(0, 1, 8, 1), Uint8Array.of(0, 0, 8, 0), Uint8Array.of(0, 0, 0x42, 1)]) {
      const err = expectDatasetError(() => parseIdx(file, FILE), 'bad-magic', FILE);
      expect(err.offset).toBe(0);
      expect(err.message).toContain('IDX magic number');
    }
  });

  it('rejects element types other than unsigned byte as bad-value', () => {
    const file = Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0);
    const err = expectDatasetError(() => parseIdx(file, FILE), 'bad-value', FILE);
    expect(err.message).toContain('float32');
    expect(err.message).toContain('unsigned byte');
  });

  it('reports a short magic number or header as truncated', () => {
    for (const file of [new Uint8Array(0), Uint8Array.of(0, 0, 8), Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1)]) {
      const err = expectDatasetError(() => parseIdx(file, FILE), 'truncated', FILE);
      expect(err.offset).toBe(file.length);
    }
  });

  it('reports missing data as truncated, with expected and found bytes', () => {
    const file = encodeIdx([2, 5], bytesOf(10)).subarray(0, 12 + 7);
    const err = expectDatasetError(() => parseIdx(file, FILE), 'truncated', FILE);
    expect(err.offset).toBe(19);
    expect(err.message).toContain('after 7 of 10 bytes');
    expect(err.message).toContain('2×5');
  });

  it('blames a garbled header, not truncation, when its shape needs far more than the file holds', () => {
    const file = encodeIdx([2, 5], bytesOf(10));
    file.set([0x7f, 0xff, 0x00, 0x00], 4); // the first dimension's bytes overwritten
    const err = expectDatasetError(() => parseIdx(file, FILE), 'bad-value', FILE);
    expect(err.message).toMatch(/the header declares shape 2147418112×5 .* far more than the file's 10 data bytes: the header is damaged/);
  });

  it('reports trailing bytes as record-size at the end of the data', () => {
    const file = new Uint8Array([...encodeIdx([2, 5], bytesOf(10)), 1, 2, 3]);
    const err = expectDatasetError(() => parseIdx(file, FILE), 'record-size', FILE);
    expect(err.offset).toBe(22);
    expect(err.message).toContain('3 trailing bytes');
  });
});
