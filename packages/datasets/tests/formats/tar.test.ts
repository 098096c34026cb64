import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar } from '../../src/formats/tar.js';
import { encodeTar, setTarChecksum, tarHeader, type LongNames, type TarEntry } from '../fixtures/encode.js';
import { expectDatasetError } from '../fixtures/expect-error.js';

const FILE = 'cifar-10-binary.tar';
const bytesOf = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const LONG = `${'batches/'.repeat(12)}naïve-name.bin`;
const ENTRIES: TarEntry[] = [
  { name: 'top/', data: new Uint8Array(0), dir: true },
  { name: 'top/empty', data: new Uint8Array(0) },
  { name: 'top/one-block', data: bytesOf(512, 2) },
  { name: 'top/just-over', data: bytesOf(513, 3) },
  { name: LONG, data: bytesOf(70, 4) },
  { name: 'top/last', data: bytesOf(5, 5) },
];
const FILES = new Map(ENTRIES.filter((e) => !e.dir).map((e) => [e.name, e.data]));
const hasTar = spawnSync('tar', ['--version']).status === 0;
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));

describe('readTar', () => {
  it.each<LongNames>(['gnu', 'pax', 'prefix'])('reads every regular file of a %s archive, skipping directories', (mode) => {
    const archive = encodeTar(ENTRIES, mode);
    const members = readTar(archive, FILE);
    expect(members).toEqual(FILES);
    expect(members.get('top/last')!.buffer).toBe(archive.buffer);
  });

  it.runIf(hasTar)('reads what GNU tar writes, in each of its formats', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-tar-'));
    try {
      for (const [name, data] of FILES) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      const expected = new Map([...FILES].map(([name, data]) => [`./${name}`, data]));
      for (const format of ['gnu', 'posix', 'ustar', 'oldgnu']) {
        const archive = execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', dir, '.']);
        expect(readTar(new Uint8Array(archive), FILE), format).toEqual(expected);
      }
      // v7 has neither long names nor a magic; regular files carry typeflag NUL or '0'.
      const v7 = execFileSync('tar', ['--format=v7', '-cf', '-', '-C', dir, './top']);
      expect(readTar(new Uint8Array(v7), FILE).get('./top/last')).toEqual(FILES.get('top/last'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(hasTar)('writes archives GNU tar lists', () => {
    for (const mode of ['gnu', 'pax', 'prefix'] as const) {
      const listing = execFileSync('tar', ['-tf', '-'], { input: encodeTar(ENTRIES, mode), encoding: 'utf8' });
      expect(listing.trim().split('\n')).toEqual(ENTRIES.map((e) => e.name));
    }
  });

  it('reads a GNU base-256 size', () => {
    const header = tarHeader({ name: ascii('big.bin'), size: 0, type: '0', gnu: true });
    header.set([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01], 124);
    const data = bytesOf(0x201);
    const archive = concat(setTarChecksum(header), data, new Uint8Array(511 + 1024));
    expect(readTar(archive, FILE).get('big.bin')).toEqual(data);
  });

  it('accepts a checksum summed over signed bytes, as old writers did', () => {
    const header = tarHeader({ name: ascii('naïve'), size: 0, type: '0', gnu: true });
    header.fill(0x20, 148, 156);
    const signed = header.reduce((a, b) => a + (b < 128 ? b : b - 256), 0);
    header.set(ascii(`${signed.toString(8).padStart(6, '0')}\0 `), 148);
    expect([...readTar(concat(header, new Uint8Array(1024)), FILE).keys()]).toEqual(['naïve']);
  });

  it('lets a pax header without a path keep the entry’s own name, and skips global headers', () => {
    const record = ascii('20 mtime=1700000000\n');
    const archive = concat(
      tarHeader({ name: ascii('global'), size: record.length, type: 'g', gnu: false }),
      record,
      new Uint8Array(512 - record.length),
      tarHeader({ name: ascii('PaxHeaders/x'), size: record.length, type: 'x', gnu: false }),
      record,
      new Uint8Array(512 - record.length),
      tarHeader({ name: ascii('plain'), size: 0, type: '0', gnu: false }),
    );
    expect([...readTar(archive, FILE).keys()]).toEqual(['plain']);
  });

  it('stops at the end of data or a single final zero block', () => {
    const archive = encodeTar(ENTRIES);
    expect(readTar(archive.subarray(0, archive.length - 1024), FILE)).toEqual(FILES);
    expect(readTar(archive.subarray(0, archive.length - 512), FILE)).toEqual(FILES);
    expect(readTar(new Uint8Array(1024), FILE).size).toBe(0);
  });

  it('rejects a header whose checksum does not match, at that header', () => {
    const archive = encodeTar(ENTRIES);
    archive[512 + 10]! ^= 1; // the name of the second header
    const err = expectDatasetError(() => readTar(archive, FILE), 'corrupt-archive', FILE);
    expect(err.offset).toBe(512);
    expect(err.message).toContain('checksum');
  });

  it('rejects a size field that is not octal', () => {
    const header = tarHeader({ name: ascii('x'), size: 0, type: '0', gnu: true });
    header.set(ascii('0000000009\0'), 124);
    const err = expectDatasetError(() => readTar(concat(setTarChecksum(header), new Uint8Array(1024)), FILE), 'corrupt-archive', FILE);
    expect(err.offset).toBe(124);
  });

  it('rejects a malformed pax record', () => {
    const record = ascii('99 path=x\n');
    const archive = concat(tarHeader({ name: ascii('PaxHeaders/x'), size: record.length, type: 'x', gnu: false }), record);
    const err = expectDatasetError(() => readTar(archive, FILE), 'corrupt-archive', FILE);
    expect(err.offset).toBe(512);
  });

  it('rejects members hidden behind a lone zero block', () => {
    const archive = encodeTar(ENTRIES);
    const withGap = concat(archive.subarray(0, 512 * 4), new Uint8Array(512), archive.subarray(512 * 4));
    const err = expectDatasetError(() => readTar(withGap, FILE), 'corrupt-archive', FILE);
    expect(err.offset).toBe(512 * 4);
  });

  it('reports a member cut short as truncated, naming it', () => {
    const archive = encodeTar([{ name: 'a/data_batch_1.bin', data: bytesOf(2000) }]);
    const err = expectDatasetError(() => readTar(archive.subarray(0, 1500), FILE), 'truncated', FILE);
    expect(err.offset).toBe(0);
    expect(err.message).toContain('a/data_batch_1.bin');
    expect(err.message).toContain('2000');
  });

  it('reports an empty file as truncated', () => {
    expectDatasetError(() => readTar(new Uint8Array(0), FILE), 'truncated', FILE);
  });

  it('reports a partial header as truncated', () => {
    const archive = encodeTar(ENTRIES);
    const err = expectDatasetError(() => readTar(archive.subarray(0, 700), FILE), 'truncated', FILE);
    expect(err.offset).toBe(512);
  });

  it('reports a long name with no entry after it as truncated', () => {
    const archive = encodeTar([{ name: LONG, data: bytesOf(3) }]);
    expectDatasetError(() => readTar(archive.subarray(0, 1024), FILE), 'truncated', FILE);
  });
});
