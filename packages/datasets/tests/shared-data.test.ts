import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classHistogram, loadFashionMnist, loadMnist, loadTrec, verifyFiles } from '../src/index.js';

// The project's real data, next to the repository on the development machines; CI elsewhere has none.
const dataDir = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const present = existsSync(dataDir);
if (!present) console.warn(`shared-data tests skipped: ${dataDir} does not exist`);

describe.runIf(present)('the real datasets in ../shared/data', () => {
  const options = { dataDir, offline: true, env: {} };

  it('has every MNIST, Fashion-MNIST and TREC file with its published checksum', async () => {
    const rows = (await verifyFiles(options)).filter((r) => r.dataset !== 'cifar-10');
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([]);
  });

  it('loads MNIST 60000/10000 and Fashion-MNIST, verified', async () => {
    const [train, test] = await Promise.all([loadMnist(options), loadMnist({ ...options, split: 'test' })]);
    expect([train.labels.length, test.labels.length]).toEqual([60000, 10000]);
    expect(train.sources.every((s) => s.verified)).toBe(true);
    expect(classHistogram(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect((await loadFashionMnist({ ...options, split: 'test' })).labels.length).toBe(10000);
  });

  it('loads TREC 5452/500 with a training-only vocabulary', async () => {
    const train = await loadTrec(options);
    const test = await loadTrec({ ...options, split: 'test' });
    expect([train.labels.length, test.labels.length]).toEqual([5452, 500]);
    expect(classHistogram(train).reduce((a, b) => a + b, 0)).toBe(5452);
    expect(test.vocabulary!.tokens).toEqual(train.vocabulary!.tokens);
  });
});
