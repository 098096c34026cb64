import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { maybeGunzip } from '../../src/formats/gzip.js';
import { gzip } from '../fixtures/encode.js';
import { expectDatasetError } from '../fixtures/expect-error.js';

const FILE = 'train-images-idx3-ubyte.gz';
const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff);

describe('maybeGunzip', () => {
  it('decompresses a gzip stream into a plain Uint8Array', () => {
    const out = maybeGunzip(gzip(payload), FILE);
    expect(out).toEqual(payload);
    expect(Buffer.isBuffer(out)).toBe(false);
  });

  it('decompresses whole when the trailer states less than the output (the last of two members), and reports a damaged size', () => {
    const second = Uint8Array.from({ length: 500 }, (_, i) => (i * 11) & 0xff);
    const twoMembers = new Uint8Array([...gzip(payload), ...gzip(second)]);
    expect(maybeGunzip(twoMembers, FILE)).toEqual(new Uint8Array([...payload, ...second]));
    for (const stated of [[1, 0, 0, 0], [0xff, 0xff, 0xff, 0xff]]) {
      const damaged = gzip(payload);
      damaged.set(stated, damaged.length - 4);
      expectDatasetError(() => maybeGunzip(damaged, FILE), 'corrupt-archive', FILE);
    }
  });

  it('returns bytes without the gzip magic unchanged', () => {
    for (const bytes of [payload, new Uint8Array(0), Uint8Array.of(0x1f), Uint8Array.of(0x1f, 0x8c, 0)]) {
      expect(maybeGunzip(bytes, FILE)).toBe(bytes);
    }
  });

  it('reports a cut-off stream as corrupt-archive with zlib’s reason', () => {
    const packed = gzip(payload);
    const err = expectDatasetError(() => maybeGunzip(packed.subarray(0, packed.length - 20), FILE), 'corrupt-archive', FILE);
    expect(err.message).toContain('a complete gzip stream');
    expect(err.message).toContain('unexpected end of file');
  });

  it('reports a damaged CRC as corrupt-archive', () => {
    const packed = gzip(payload);
    packed[packed.length - 6]! ^= 0xff;
    expectDatasetError(() => maybeGunzip(packed, FILE), 'corrupt-archive', FILE);
  });
});
