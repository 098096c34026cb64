import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, DatasetError, fromArrays, loadImageFolder, parseCsvTable, readCsvTable, splitTrainValidation, takeIds, takeStratified, withLabelNoise } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The first batch of epoch 0, read before the Batcher disposes its tensors. */
async function firstBatch(batcher: Batcher) {
  for (const batch of batcher.epoch(0)) return { x: Array.from(await batch.x.data()), xShape: batch.x.shape, y: Array.from(await batch.y.data()), yShape: batch.y.shape, ids: Array.from(batch.ids) };
  throw new Error('no batch');
}

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-own-data-'));

const expectError = (run: () => unknown, message: RegExp) => {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DatasetError);
  expect((caught as Error).message).toMatch(message);
};

describe('fromArrays', () => {
  it('makes a classification table with string ids kept as names and string labels as sorted classes', () => {
    const data = fromArrays({ x: [1, 2, 3, 4, 5, 6], shape: [3, 2], labels: ['dog', 'cat', 'dog'], ids: ['a', 'b', 'c'] });
    expect(data.kind).toBe('table');
    expect(Array.from(data.ids)).toEqual([0, 1, 2]);
    expect(data.names).toEqual(['a', 'b', 'c']);
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(data.labels)).toEqual([1, 0, 1]);
    // Feature 0 is 1, 3, 5: mean 3, population std sqrt(8/3).
    expect(data.normalization!.mean).toEqual([3, 4]);
    expect(data.normalization!.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });

  it('keeps integer ids, takes regression targets and batches them as [b, k] floats', async () => {
    const data = fromArrays({ x: Float32Array.of(0, 10, 20, 30), shape: [4, 1], targets: [1, 2, 3, 4, 5, 6, 7, 8], ids: [7, 3, 9, 1], normalization: 'none' });
    expect(data.targetSize).toBe(2);
    const batch = await firstBatch(new Batcher(data, { batchSize: 4, shuffle: false }));
    expect(batch.yShape).toEqual([4, 2]);
    expect(batch.y).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batch.x).toEqual([0, 10, 20, 30]);
    expect(batch.ids).toEqual([7, 3, 9, 1]);
    // takeIds follows ids, targets move with their rows.
    const two = takeIds(data, [9, 7]);
    expect(Array.from(two.targets!)).toEqual([5, 6, 1, 2]);
    expectError(() => takeStratified(data, 2), /regression table: it has no classes/);
  });

  it('standardises table features in the Batcher with the computed statistics', async () => {
    const data = fromArrays({ x: [1, 100, 3, 100], shape: [2, 2], labels: [0, 1] });
    const batch = await firstBatch(new Batcher(data, { batchSize: 2, shuffle: false }));
    // Feature 0: mean 2, std 1 → −1, 1; feature 1 is constant: std 0 counts as 1 → 0.
    expect(batch.x).toEqual([-1, 0, 1, 0]);
    expect(batch.y).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('works with label noise, subsets and validation splits, keeping names with their rows', () => {
    const n = 40;
    const data = fromArrays({ x: Float32Array.from({ length: n * 3 }, (_, i) => i), shape: [n, 3], labels: Array.from({ length: n }, (_, i) => i % 4), ids: Array.from({ length: n }, (_, i) => `s${i}`) });
    const noisy = withLabelNoise(data, { kind: 'symmetric', p: 0.25, seed: 1 });
    expect(noisy.noise!.flipped).toBe(10);
    const { train, validation } = splitTrainValidation(noisy, { validation: 0.25, seed: 3 });
    expect(train.ids.length + validation.ids.length).toBe(n);
    for (const part of [train, validation]) part.ids.forEach((id, i) => expect(part.names![i]).toBe(`s${id}`));
    const subset = takeStratified(noisy, 8, 2);
    expect(subset.noise!.cleanLabels.length).toBe(8);
  });

  it('keeps token ids as a text dataset', async () => {
    const data = fromArrays({ x: Int32Array.of(5, 6, 7, 8), shape: [2, 2], labels: [1, 0], kind: 'text' });
    expect(data.kind).toBe('text');
    expect(data.normalization).toBeUndefined();
    const batch = await firstBatch(new Batcher(data, { batchSize: 2, shuffle: false }));
    expect(batch.x).toEqual([5, 6, 7, 8]);
  });

  it.each([
    [{ x: [1, 2, 3, 4], shape: [2, 2], labels: [0, 1], kind: 'text' }, /kind text; expected an Int32Array of token ids/],
    [{ x: [1, 2, 3], shape: [2, 2], labels: [0, 1] }, /x holds 3 values.*expected 4/],
    [{ x: [1, Number.NaN, 3, 4], shape: [2, 2], labels: [0, 1] }, /sample 0 .*feature 1 is NaN/],
    [{ x: [1, 2, 3, 4], shape: [2, 2] }, /neither labels nor targets/],
    [{ x: [1, 2, 3, 4], shape: [2, 2], labels: [0, 1], ids: ['a', 'a'] }, /id 'a' names samples 0 and 1/],
    [{ x: [1, 2, 3, 4], shape: [2, 2], labels: [0, -1] }, /label of sample 1 is -1/],
  ])('rejects bad arrays (%#)', (options, message) => {
    expectError(() => fromArrays(options as Parameters<typeof fromArrays>[0]), message);
  });
});

describe('CSV tables', () => {
  const csv = 'id,temperature,pressure,regime\nrun-a,300,1.5,bubbling\nrun-b,320,2.5,slugging\nrun-c,340,3.5,bubbling\n';

  it('reads features, categorical labels and string ids', () => {
    const data = parseCsvTable(csv, { label: 'regime', file: 'runs.csv' });
    expect(data.name).toBe('runs');
    expect(data.featureNames).toEqual(['temperature', 'pressure']);
    expect(Array.from(data.x)).toEqual([300, 1.5, 320, 2.5, 340, 3.5]);
    expect(data.classNames).toEqual(['bubbling', 'slugging']);
    expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    expect(data.names).toEqual(['run-a', 'run-b', 'run-c']);
  });

  it('reads regression targets and keeps class names in a given order', () => {
    const data = parseCsvTable('u,h,voidage,delta\n0.1,1,0.45,0.02\n0.2,1,0.5,0.05\n', { target: ['voidage', 'delta'] });
    expect(data.targetSize).toBe(2);
    expect(Array.from(data.targets!)).toEqual([0.45, 0.02, 0.5, 0.05].map(Math.fround));
    const ordered = parseCsvTable(csv, { label: 'regime', classNames: ['slugging', 'bubbling'] });
    expect(Array.from(ordered.labels)).toEqual([1, 0, 1]);
  });

  it.each([
    ['a missing value', 'a,b,label\n1,,0\n', {}, /t\.csv, line 2, column 2: missing feature value \(b\); expected a number/],
    ['a non-numeric feature', 'a,b,label\n1,2,0\n3,x7,1\n', {}, /t\.csv, line 3, column 2: feature b is "x7"; expected a finite number/],
    ['a ragged row', 'a,b,label\n1,2\n', {}, /line 2, column 3: 2 cells, the header has 3/],
    ['no label column', 'a,b\n1,2\n', {}, /line 1: no column named 'label'.*label: NAME.*target: NAME/],
    ['an unknown class', 'a,label\n1,x\n', { classNames: ['y'] }, /line 2, column 2: label 'x' is not a known class/],
    ['a header only', 'a,label\n', {}, /a header but no rows/],
    ['duplicate ids', 'id,a,label\nq,1,0\nq,2,1\n', {}, /line 3, column 1: id 'q' also appears on line 2/],
  ])('rejects %s naming file, line and column', (_what, text, options, message) => {
    const dir = tmp();
    writeFileSync(join(dir, 't.csv'), text);
    expectError(() => readCsvTable(join(dir, 't.csv'), options), message);
  });
});

/** Writes a PNG whose every pixel is `rgb`, and returns its path. */
function png(path: string, width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): void {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set([...pixel(x, y), 255], (y * width + x) * 4);
  writeFileSync(path, PNG.sync.write(image));
}

describe('image folders', () => {
  function folder(): string {
    const root = tmp();
    for (const name of ['cat', 'dog']) mkdirSync(join(root, name));
    png(join(root, 'cat', 'b.png'), 2, 2, (x, y) => [10 * x, 20 * y, 30]);
    png(join(root, 'cat', 'a.png'), 2, 2, () => [255, 0, 0]);
    const data = new Uint8Array(2 * 2 * 4).fill(128);
    writeFileSync(join(root, 'dog', 'c.jpg'), jpeg.encode({ data, width: 2, height: 2 }, 100).data);
    writeFileSync(join(root, 'dog', 'notes.txt'), 'not an image');
    return root;
  }

  it('reads root/<class>/*.png|jpg in sorted order with names, exact PNG pixels and a near-exact flat JPEG', () => {
    const data = loadImageFolder(folder());
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.names).toEqual(['cat/a.png', 'cat/b.png', 'dog/c.jpg']);
    expect(Array.from(data.labels)).toEqual([0, 0, 1]);
    expect(data.sampleShape).toEqual([2, 2, 3]);
    expect(Array.from(data.x.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(data.x.subarray(12, 24))).toEqual([0, 0, 30, 10, 0, 30, 0, 20, 30, 10, 20, 30]);
    for (const v of data.x.subarray(24)) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
  });

  it('reads nested folders in ImageFolder order (folders by path, files sorted in each)', () => {
    const root = folder();
    mkdirSync(join(root, 'cat', 'zoo'));
    mkdirSync(join(root, 'cat', 'a-sub'));
    png(join(root, 'cat', 'zoo', 'x.png'), 2, 2, () => [1, 2, 3]);
    png(join(root, 'cat', 'a-sub', 'y.png'), 2, 2, () => [4, 5, 6]);
    expect(loadImageFolder(root).names).toEqual(['cat/a.png', 'cat/b.png', 'cat/a-sub/y.png', 'cat/zoo/x.png', 'dog/c.jpg']);
  });

  it('converts to grayscale with PIL weights and resizes on request', () => {
    const root = folder();
    const gray = loadImageFolder(root, { channels: 1 });
    expect(gray.sampleShape).toEqual([2, 2, 1]);
    expect(gray.x[0]).toBe(Math.floor((255 * 299) / 1000));
    png(join(root, 'dog', 'd.png'), 4, 4, () => [0, 0, 0]);
    expectError(() => loadImageFolder(root), /d\.png: image is 4×4; expected 2×2 like the others/);
    const resized = loadImageFolder(root, { resize: 'bilinear' });
    expect(resized.names).toHaveLength(4);
    expect(Array.from(resized.x.subarray(36))).toEqual(new Array(12).fill(0));
  });

  it('names a corrupt image, an empty class folder and a missing root', () => {
    const root = folder();
    writeFileSync(join(root, 'cat', 'z.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage')]));
    expectError(() => loadImageFolder(root), /z\.png: cannot decode the PNG/);
    const empty = tmp();
    mkdirSync(join(empty, 'only'));
    expectError(() => loadImageFolder(empty), /class folder 'only' holds no \.png or \.jpg file/);
    expectError(() => loadImageFolder(join(empty, 'nope')), /cannot read the image folder/);
  });

  it('batches an image folder normalised like the built-in loaders', async () => {
    const data = loadImageFolder(folder());
    const batch = await firstBatch(new Batcher(data, { batchSize: 3, shuffle: false }));
    expect(batch.xShape).toEqual([3, 2, 2, 3]);
    const values = batch.x;
    const { mean, std } = data.normalization!;
    expect(values[0]).toBeCloseTo((1 - mean[0]!) / std[0]!, 5);
  });
});
