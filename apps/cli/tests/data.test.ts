import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mgdl, mgdlWith } from './run.js';

/** An IDX file as MNIST publishes it: magic 0 0 8 ndim, big-endian dims, bytes. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(8, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, data]));
}

/** A small MNIST-format dataset: 20 training images, labels i % 10. */
function mnistFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'mgdl-cli-data-'));
  mkdirSync(join(root, 'mnist'));
  for (const [prefix, n] of [['train', 20], ['t10k', 10]] as const) {
    writeFileSync(join(root, 'mnist', `${prefix}-images-idx3-ubyte.gz`), idx([n, 28, 28], new Uint8Array(n * 784).fill(7)));
    writeFileSync(join(root, 'mnist', `${prefix}-labels-idx1-ubyte.gz`), idx([n], Uint8Array.from({ length: n }, (_, i) => i % 10)));
  }
  return root;
}

describe('mgdl data verify', () => {
  it('lists every known file as missing in an empty folder and exits 0', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mgdl-cli-empty-'));
    const run = mgdl('data', 'verify', '--data-dir', empty, '--cache-dir', join(empty, 'cache'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0 ok, 0 bad, 16 missing/);
  });

  it('looks in --data-dir only, not also in MGDL_DATA_DIR: the option replaces the variable', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mgdl-cli-empty-'));
    const elsewhere = mnistFixture();
    const run = mgdlWith({ MGDL_DATA_DIR: elsewhere }, 'data', 'verify', '--data-dir', empty, '--cache-dir', join(empty, 'cache'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/0 ok, 0 bad, 16 missing/);
    expect(run.stdout).not.toContain(elsewhere);
    // Without the option, the variable is where the files are found.
    const fromVariable = mgdlWith({ MGDL_DATA_DIR: elsewhere }, 'data', 'verify', '--cache-dir', join(empty, 'cache'), '--json');
    const rows = JSON.parse(fromVariable.stdout) as { dataset: string; path?: string }[];
    expect(rows.filter((r) => r.dataset === 'mnist').map((r) => r.path)).toEqual(expect.arrayContaining([join(elsewhere, 'mnist', 'train-images-idx3-ubyte.gz')]));
  });

  it('flags files that are not the published ones and exits 1', () => {
    const root = mnistFixture();
    const run = mgdl('data', 'verify', '--data-dir', root, '--cache-dir', join(root, 'cache'), '--json');
    expect(run.status).toBe(1);
    const rows = JSON.parse(run.stdout) as { dataset: string; status: string; path?: string }[];
    expect(rows.filter((r) => r.dataset === 'mnist').map((r) => r.status)).toEqual(['bad', 'bad', 'bad', 'bad']);
    expect(run.stderr).toContain(join(root, 'mnist', 'train-images-idx3-ubyte.gz'));
  });
});

describe('mgdl data info', () => {
  it('summarises a split with label noise', () => {
    const root = mnistFixture();
    const run = mgdl('data', 'info', 'mnist', '--data-dir', root, '--no-verify', '--offline', '--noise', 'pair:0.25', '--json');
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.samples).toBe(20);
    expect(info.sampleShape).toEqual([28, 28, 1]);
    expect(info.noise).toMatchObject({ kind: 'pair', p: 0.25, flipped: 5 });
    expect(Object.values(info.cleanHistogram)).toEqual(new Array(10).fill(2));
  });

  it('refuses unpublished files unless told not to verify', () => {
    const root = mnistFixture();
    const run = mgdl('data', 'info', 'mnist', '--data-dir', root, '--offline');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/train-images-idx3-ubyte.gz: size \d+ bytes; expected 9912422 bytes/);
  });

  it('lists where it looked when the files are missing offline', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mgdl-cli-empty-'));
    const run = mgdl('data', 'info', 'trec', '--data-dir', empty, '--cache-dir', join(empty, 'cache'), '--offline');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(empty, 'trec', 'train_5500.label'));
    expect(run.stderr).toContain(join(empty, 'cache', 'trec', 'train_5500.label'));
    expect(run.stderr).toContain('--data-dir');
  });

  it('rejects bad noise and unknown datasets', () => {
    const noise = mgdl('data', 'info', 'mnist', '--noise', 'symmetric:1');
    expect(noise.status).toBe(2);
    expect(noise.stderr).toContain('P in [0, 1)');
    const unknown = mgdl('data', 'info', 'imagenet');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain("unknown dataset 'imagenet'");
  });
});
