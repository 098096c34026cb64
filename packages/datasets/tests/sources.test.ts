import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetError} from '../src/index.js';
import { download, openFiles, resolvePlaces, verifyFiles, type DatasetSpec } from '../src/index.js';
import { digestBytes } from '../src/sources/checksum.js';
import { tempDir, writeIdxDataset, writeTrec } from './fixtures/data-dir.js';

const payload = Buffer.from('the real bytes of a dataset file\n'.repeat(1000));
const checksum = { algorithm: 'sha256', hex: digestBytes(payload, 'sha256') } as const;

let server: Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url?.startsWith('/good/')) response.end(payload);
    else if (request.url?.startsWith('/slow/')) setTimeout(() => response.end(payload), 200);
    else if (request.url?.startsWith('/wrong/')) response.end(Buffer.from('something else'));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const spec = (mirrors: string[]): DatasetSpec => ({
  name: 'toy',
  title: 'a served toy file',
  dir: 'toy',
  files: [{ id: 'data', mirrors, variants: [{ name: 'data.bin', bytes: payload.length, checksum }] }],
});

describe('where files come from', () => {
  it('resolves the cache from MGDL_CACHE, then XDG_CACHE_HOME, then the home directory', () => {
    expect(resolvePlaces({ env: { MGDL_CACHE: '/c', XDG_CACHE_HOME: '/x' } }).cacheDir).toBe('/c');
    expect(resolvePlaces({ env: { XDG_CACHE_HOME: '/x' } }).cacheDir).toBe('/x/mgdl');
    expect(resolvePlaces({ env: {} }).cacheDir).toBe(join(homedir(), '.cache', 'mgdl'));
    expect(resolvePlaces({ env: { MGDL_OFFLINE: '1' } }).offline).toBe(true);
  });

  it('reads the data dir option, else MGDL_DATA_DIR, then the cache', async () => {
    const [option, fromEnv, cache] = [tempDir(), tempDir(), tempDir()];
    for (const dir of [option, fromEnv, join(cache, 'toy')]) {
      mkdirSync(join(dir, 'toy'), { recursive: true });
      writeFileSync(join(dir, dir === join(cache, 'toy') ? '' : 'toy', 'data.bin'), payload);
    }
    const open = (dataDir?: string, env: NodeJS.ProcessEnv = {}) => openFiles(spec([]), ['data'], { dataDir, cacheDir: cache, env });
    expect((await open(option, { MGDL_DATA_DIR: fromEnv })).sources[0]).toMatchObject({ path: join(option, 'toy', 'data.bin'), where: 'data-dir', verified: true });
    expect((await open(undefined, { MGDL_DATA_DIR: fromEnv })).sources[0]!.path).toBe(join(fromEnv, 'toy', 'data.bin'));
    expect((await open()).sources[0]).toMatchObject({ path: join(cache, 'toy', 'data.bin'), where: 'cache' });
    // The option replaces the variable: a file only the variable's folder has is not found through it.
    const empty = tempDir();
    expect((await open(empty, { MGDL_DATA_DIR: fromEnv })).sources[0]).toMatchObject({ path: join(cache, 'toy', 'data.bin'), where: 'cache' });
  });

  it('lists every place it looked and how to point at local files when offline', async () => {
    const [dataDir, cache] = [tempDir(), tempDir()];
    const error = (await openFiles(spec([`${base}/good/`]), ['data'], { dataDir, cacheDir: cache, offline: true, env: {} }).catch((e: unknown) => e)) as DatasetError;
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(join(dataDir, 'toy', 'data.bin'));
    expect(error.message).toContain(join(cache, 'toy', 'data.bin'));
    expect(error.message).toContain('offline');
    expect(error.message).toContain('--data-dir');
    expect(error.message).toContain('MGDL_DATA_DIR');
  });
});

describe('downloads', () => {
  it('falls back through mirrors, verifies, and renames into the cache', async () => {
    const cache = tempDir();
    const events: string[] = [];
    const { sources, bytes } = await openFiles(spec([`${base}/missing/`, `${base}/wrong/`, `${base}/good/`]), ['data'], {
      cacheDir: cache,
      env: {},
      onProgress: (event) => events.push(event.type),
    });
    expect(sources[0]).toMatchObject({ where: 'downloaded', path: join(cache, 'toy', 'data.bin'), verified: true });
    expect(Buffer.from(bytes.get('data')!).equals(payload)).toBe(true);
    expect(events.filter((e) => e === 'download-failed')).toHaveLength(2);
    expect(events).toContain('download-done');
    expect(readdirSync(join(cache, 'toy'))).toEqual(['data.bin']); // no .partial, no .lock left
    // Found in the cache from now on: no second download.
    const before = hits.length;
    expect((await openFiles(spec([`${base}/good/`]), ['data'], { cacheDir: cache, env: {} })).sources[0]!.where).toBe('cache');
    expect(hits.length).toBe(before);
  });

  it('reports every mirror that failed and leaves nothing behind', async () => {
    const cache = tempDir();
    const error = (await openFiles(spec([`${base}/missing/`, `${base}/wrong/`]), ['data'], { cacheDir: cache, env: {} }).catch((e: unknown) => e)) as DatasetError;
    expect(error.code).toBe('download-failed');
    expect(error.message).toMatch(/missing\/data.bin: HTTP 404/);
    expect(error.message).toMatch(/wrong\/data.bin: got 14 bytes, expected 33000/);
    expect(readdirSync(join(cache, 'toy'))).toEqual([]);
  });

  it('fetches a file once when parallel runs ask for it', async () => {
    const dest = join(tempDir(), 'data.bin');
    const before = hits.filter((h) => h.startsWith('/slow/')).length;
    const request = { urls: [`${base}/slow/data.bin`], dest, expected: { bytes: payload.length, checksum } };
    const results = await Promise.all([download(request), download(request), download(request)]);
    expect(results).toEqual([undefined, undefined, undefined]);
    expect(hits.filter((h) => h.startsWith('/slow/')).length - before).toBe(1);
    expect(readFileSync(dest).equals(payload)).toBe(true);
    expect(existsSync(`${dest}.lock`)).toBe(false);
  });
});

describe('verifyFiles', () => {
  it('reports each known file as ok, bad or missing without downloading', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, 'mnist', { train: 2, test: 2 });
    writeTrec(dir);
    const rows = await verifyFiles({ dataDir: dir, cacheDir: tempDir(), env: {} });
    const mnist = rows.filter((r) => r.dataset === 'mnist');
    expect(mnist).toHaveLength(4);
    expect(mnist.every((r) => r.status === 'bad' && r.where === 'data-dir')).toBe(true); // fixtures are not the published files
    expect(rows.filter((r) => r.dataset === 'fashion-mnist').every((r) => r.status === 'missing')).toBe(true);
    expect(rows.find((r) => r.file === 'TREC_10.label')).toMatchObject({ status: 'bad', path: join(dir, 'trec', 'TREC_10.label') });
  });
});
