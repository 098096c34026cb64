import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, loadCifar10, loadDataset, loadFashionMnist, loadMnist, loadTrec, readVocabulary, writeVocabulary } from '../src/index.js';
import { encodeIdx, gzip } from './fixtures/encode.js';
import { tempDir, trecTestRows, trecTrainRows, writeCifar, writeIdxDataset, writeTrec } from './fixtures/data-dir.js';

// Fixture files do not carry the published checksums, so these loads skip verification.
const fixture = (dataDir: string) => ({ dataDir, verify: false, offline: true, env: {} });

describe('MNIST-format loaders', () => {
  it.each([true, false])('reads images and labels of both splits (gzip %s)', async (gz) => {
    const dir = tempDir();
    const written = writeIdxDataset(dir, 'mnist', { train: 7, test: 3 }, gz);
    for (const split of ['train', 'test'] as const) {
      const data = await loadMnist({ ...fixture(dir), split });
      expect(data.sampleShape).toEqual([28, 28, 1]);
      expect(Array.from(data.x)).toEqual(Array.from(written[split].images));
      expect(Array.from(data.labels)).toEqual(Array.from(written[split].labels));
      expect(Array.from(data.ids)).toEqual(Array.from({ length: written[split].labels.length }, (_, i) => i));
      expect(data.sources.map((s) => s.path)).toEqual(
        [`${split === 'train' ? 'train' : 't10k'}-images-idx3-ubyte`, `${split === 'train' ? 'train' : 't10k'}-labels-idx1-ubyte`].map((f) => join(dir, 'mnist', gz ? `${f}.gz` : f)),
      );
    }
  });

  it('reads Fashion-MNIST from its own folder with its class names', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, 'fashion-mnist', { train: 4, test: 2 });
    const data = await loadDataset('fashion-mnist', fixture(dir));
    expect(data.labels.length).toBe(4);
    expect(data.classNames[9]).toBe('Ankle boot');
    await expect(loadFashionMnist({ ...fixture(dir), split: 'test' })).resolves.toMatchObject({ split: 'test' });
  });

  it('rejects label files that do not match the image count', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, 'mnist', { train: 5, test: 2 });
    const labels = join(dir, 'mnist', 'train-labels-idx1-ubyte.gz');
    writeFileSync(labels, gzip(encodeIdx([4], new Uint8Array(4))));
    await expect(loadMnist(fixture(dir))).rejects.toMatchObject({ code: 'record-size', file: labels });
  });

  it('rejects a label outside the classes, naming its byte offset', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, 'mnist', { train: 3, test: 2 });
    const labels = join(dir, 'mnist', 'train-labels-idx1-ubyte.gz');
    writeFileSync(labels, gzip(encodeIdx([3], Uint8Array.of(1, 12, 3))));
    await expect(loadMnist(fixture(dir))).rejects.toMatchObject({ code: 'bad-value', offset: 9 });
  });

  it('checks checksums by default and names the file and both digests', async () => {
    const dir = tempDir();
    writeIdxDataset(dir, 'mnist', { train: 3, test: 2 });
    const error = await loadMnist({ dataDir: dir, offline: true, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('checksum-mismatch');
    expect((error as DatasetError).message).toContain(join(dir, 'mnist', 'train-images-idx3-ubyte.gz'));
    expect((error as DatasetError).message).toContain('--no-verify');
  });
});

describe('CIFAR-10 loader', () => {
  it.each([false, true])('reads the five training batches and the test batch (from the archive: %s)', async (asArchive) => {
    const dir = tempDir();
    const written = writeCifar(dir, 3, asArchive);
    const train = await loadCifar10(fixture(dir));
    expect(train.labels.length).toBe(15);
    expect(train.sampleShape).toEqual([32, 32, 3]);
    expect(Array.from(train.labels)).toEqual(Array.from(written.train.labels));
    expect(Buffer.from(train.x).equals(Buffer.from(written.train.images))).toBe(true);
    const test = await loadCifar10({ ...fixture(dir), split: 'test' });
    expect(Array.from(test.labels)).toEqual(Array.from(written.test.labels));
    expect(test.sources[0]!.member).toBe(asArchive ? 'cifar-10-batches-bin/test_batch.bin' : undefined);
  });
});

describe('TREC loader', () => {
  it('encodes lower-cased questions with a vocabulary from the training split only', async () => {
    const dir = tempDir();
    writeTrec(dir);
    const train = await loadTrec({ ...fixture(dir), maxLength: 6 });
    expect(train.labels.length).toBe(trecTrainRows.length);
    expect(train.classNames).toHaveLength(6);
    const vocabulary = train.vocabulary!;
    // "russia" and "yankees" appear twice; "?" in every question: most frequent first.
    expect(vocabulary.tokens.slice(0, 3)).toEqual(['<pad>', '<unk>', '?']);
    expect(vocabulary.idOf('Russia')).toBe(1); // ids are for lower-cased tokens only
    const firstRow = Array.from(train.x.subarray(0, 6));
    expect(firstRow).toEqual(['how', 'did', 'serfdom', 'develop', 'in', 'and'].map((t) => vocabulary.idOf(t)));
    const test = await loadTrec({ ...fixture(dir), split: 'test', maxLength: 6 });
    expect(test.vocabulary!.tokens).toEqual(vocabulary.tokens);
    expect(vocabulary.tokens).not.toContain('zanzibar');
    const secondRow = Array.from(test.x.subarray(6, 12));
    expect(secondRow).toEqual([vocabulary.idOf('who'), vocabulary.oovId, vocabulary.idOf('the'), vocabulary.idOf('yankees'), vocabulary.idOf('?'), vocabulary.padId]);
    expect(test.labels[0]).toBe(test.classNames.indexOf('LOC'));
    expect(trecTestRows).toHaveLength(test.labels.length);
  });

  it('uses the 50 fine labels on request', async () => {
    const dir = tempDir();
    writeTrec(dir);
    const train = await loadTrec({ ...fixture(dir), labels: 'fine' });
    expect(train.classNames).toHaveLength(50);
    expect(train.classNames[train.labels[0]!]).toBe('DESC:manner');
  });

  it('saves the vocabulary with a run and reads it back', async () => {
    const dir = tempDir();
    writeTrec(dir);
    const train = await loadTrec(fixture(dir));
    const file = join(dir, 'vocabulary.json');
    writeVocabulary(file, train.vocabulary!);
    const again = await loadTrec({ ...fixture(dir), split: 'test', vocabulary: readVocabulary(file) });
    expect(again.vocabulary!.tokens).toEqual(train.vocabulary!.tokens);
    writeFileSync(file, '{"tokens": [1, 2]}');
    expect(() => readVocabulary(file)).toThrow(/not an mgdl vocabulary/);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});

it('names the known datasets when asked for an unknown one', async () => {
  await expect(loadDataset('imagenet')).rejects.toThrow(/unknown dataset 'imagenet'.*mnist, fashion-mnist, cifar-10, trec/);
});
