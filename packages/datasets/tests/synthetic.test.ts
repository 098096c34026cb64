import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classHistogram, dataDirOrSynthetic, DatasetError, loadDataset, writeSyntheticDataset } from '../src/index.js';
import { tempDir } from './fixtures/data-dir.js';

describe('synthetic datasets', () => {
  it('writes MNIST-format files the real loader reads, with every class and a learnable band per class', async () => {
    const root = tempDir();
    writeSyntheticDataset(root, 'mnist', { train: 50, test: 20 });
    expect(readdirSync(join(root, 'mnist')).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    const train = await loadDataset('mnist', { dataDir: root, split: 'train', verify: false, offline: true });
    expect(train.x.length).toBe(50 * 784);
    expect(classHistogram(train).every((n) => n === 5)).toBe(true);
    // Sample 3 (class 3) is bright on rows 8–9 and dim on rows 2–3.
    const row = (sample: number, r: number) => Array.from(train.x.slice(sample * 784 + r * 28, sample * 784 + (r + 1) * 28)).reduce((a, b) => a + b, 0) / 28;
    expect(row(3, 8)).toBeGreaterThan(row(3, 2) + 0.3);
    const test = await loadDataset('mnist', { dataDir: root, split: 'test', verify: false, offline: true });
    expect(test.ids.length).toBe(20);
  });

  it('writes TREC files with every coarse class, readable by the TREC loader', async () => {
    const root = tempDir();
    writeSyntheticDataset(root, 'trec', { train: 120, test: 30 });
    const train = await loadDataset('trec', { dataDir: root, split: 'train', verify: false, offline: true });
    expect(train.ids.length).toBe(120);
    expect(classHistogram(train).every((n) => n > 0)).toBe(true);
  });

  it('is rejected by the checksum unless verification is off (MGDL_VERIFY=0)', async () => {
    const root = tempDir();
    writeSyntheticDataset(root, 'fashion-mnist', { train: 10, test: 10 });
    await expect(loadDataset('fashion-mnist', { dataDir: root, split: 'test', offline: true, env: {} })).rejects.toThrow(DatasetError);
    const loaded = await loadDataset('fashion-mnist', { dataDir: root, split: 'test', offline: true, env: { MGDL_VERIFY: '0' } });
    expect(loaded.ids.length).toBe(10);
  });

  it('keeps a data dir that has every dataset, and otherwise makes a synthetic one', () => {
    const real = tempDir();
    mkdirSync(join(real, 'mnist'));
    expect(dataDirOrSynthetic(real, ['mnist'], { train: 10, test: 10 })).toEqual({ dir: real, synthetic: false });
    const made = dataDirOrSynthetic(real, ['mnist', 'trec'], { train: 10, test: 10 });
    expect(made.synthetic).toBe(true);
    expect(readdirSync(made.dir).sort()).toEqual(['mnist', 'trec']);
    expect(() => writeSyntheticDataset(real, 'mnist', { train: 0, test: 1 })).toThrow(/train count must be a positive integer/);
  });
});
