import { describe, expect, it } from 'vitest';
import { parseCifarBatch } from '../../src/formats/cifar.js';
import { maybeGunzip } from '../../src/formats/gzip.js';
import { readTar } from '../../src/formats/tar.js';
import { encodeCifarBatch, encodeTar, gzip } from '../fixtures/encode.js';
import { expectDatasetError } from '../fixtures/expect-error.js';

const FILE = 'data_batch_1.bin';
const RECORD = 3073;
const imagesOf = (n: number): Uint8Array => Uint8Array.from({ length: n * 3072 }, (_, i) => (i * 97 + (i >> 10)) & 0xff);

describe('parseCifarBatch', () => {
  it('round-trips NHWC images and labels', () => {
    const images = imagesOf(3);
    const parsed = parseCifarBatch(encodeCifarBatch(images, [0, 9, 4]), FILE);
    expect(parsed.labels).toEqual(Int32Array.of(0, 9, 4));
    expect(parsed.images).toEqual(images);
  });

  it('interleaves the R, G and B planes of a record row-major', () => {
    const record = new Uint8Array(RECORD);
    record[0] = 6;
    // Pixel (row 1, col 2) is plane offset 34; mark it in each plane.
    record[1 + 34] = 11;
    record[1 + 1024 + 34] = 22;
    record[1 + 2048 + 34] = 33;
    const { images, labels } = parseCifarBatch(record, FILE);
    expect(labels).toEqual(Int32Array.of(6));
    expect(Array.from(images.subarray((32 + 2) * 3, (32 + 2) * 3 + 3))).toEqual([11, 22, 33]);
    expect(images.reduce((a, b) => a + b, 0)).toBe(66);
  });

  it('reads a batch out of a .tar.gz like the real cifar-10-binary.tar.gz', () => {
    const images = imagesOf(2);
    const archive = gzip(
      encodeTar([
        { name: 'cifar-10-batches-bin/', data: new Uint8Array(0), dir: true },
        { name: 'cifar-10-batches-bin/batches.meta.txt', data: new TextEncoder().encode('airplane\nautomobile\n') },
        { name: 'cifar-10-batches-bin/data_batch_1.bin', data: encodeCifarBatch(images, [3, 5]) },
      ]),
    );
    const members = readTar(maybeGunzip(archive, 'cifar-10-binary.tar.gz'), 'cifar-10-binary.tar.gz');
    const batch = members.get('cifar-10-batches-bin/data_batch_1.bin');
    expect(batch).toBeDefined();
    const parsed = parseCifarBatch(batch!, FILE);
    expect(parsed.images).toEqual(images);
    expect(parsed.labels).toEqual(Int32Array.of(3, 5));
  });

  it('reports an empty file as truncated', () => {
    expectDatasetError(() => parseCifarBatch(new Uint8Array(0), FILE), 'truncated', FILE);
  });

  it('reports a partial record as record-size at its start', () => {
    const file = encodeCifarBatch(imagesOf(2), [1, 2]).subarray(0, 2 * RECORD - 100);
    const err = expectDatasetError(() => parseCifarBatch(file, FILE), 'record-size', FILE);
    expect(err.offset).toBe(RECORD);
    expect(err.message).toContain('3073-byte records');
  });

  it('reports an out-of-range label as bad-value at its byte', () => {
    const file = encodeCifarBatch(imagesOf(3), [1, 10, 2]);
    const err = expectDatasetError(() => parseCifarBatch(file, FILE), 'bad-value', FILE);
    expect(err.offset).toBe(RECORD);
    expect(err.message).toContain('0..9');
    expect(parseCifarBatch(file, FILE, 100).labels).toEqual(Int32Array.of(1, 10, 2));
  });

  it('rejects a class count no byte label can fit', () => {
    for (const classes of [0, 2.5, 257]) {
      expectDatasetError(() => parseCifarBatch(new Uint8Array(RECORD), FILE, classes), 'bad-argument', FILE);
    }
  });
});
