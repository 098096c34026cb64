import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DatasetError, fromArrays, loadImageFolder, parseCsvTable, takeIds, withCleanLabels, withLabelNoise } from '../src/index.js';

const table = () => fromArrays({ x: [0, 1, 2, 3, 4, 5], shape: [3, 2], labels: ['cat', 'dog', 'cat'], ids: ['a', 'b', 'c'] });

describe('known clean labels', () => {
  it('keep the trained labels and mark the samples whose clean label differs', () => {
    const data = withCleanLabels(table(), ['cat', 'cat', 'dog']);
    expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    expect(data.noise?.kind).toBe('known');
    expect(Array.from(data.noise!.cleanLabels)).toEqual([0, 0, 1]);
    expect(Array.from(data.noise!.noisy)).toEqual([0, 1, 1]);
    expect(data.noise!.flipped).toBe(2);
  });

  it('take a map keyed by name or id, and follow the samples through subsets', () => {
    const byName = withCleanLabels(table(), new Map([['a', 'dog'], ['b', 'dog'], ['c', 'cat']]));
    expect(Array.from(byName.noise!.noisy)).toEqual([1, 0, 0]);
    const byId = withCleanLabels(fromArrays({ x: [0, 1, 2], shape: [3, 1], labels: [0, 1, 1], ids: [7, 8, 9] }), new Map([[9, 0], [7, 0], [8, 1]]));
    expect(Array.from(byId.noise!.noisy)).toEqual([0, 0, 1]);
    const subset = takeIds(byId, [9, 8]);
    expect(Array.from(subset.noise!.noisy)).toEqual([1, 0]);
    expect(subset.noise!.flipped).toBe(1);
  });

  it('refuse missing, stray, unknown and doubled labels, naming them', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DatasetError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(error(() => withCleanLabels(table(), ['cat']))).toMatch(/1 clean labels for 3 samples/);
    expect(error(() => withCleanLabels(table(), new Map([['a', 'cat']])))).toMatch(/no clean label for 2 of 3 samples \(b, c\)/);
    expect(error(() => withCleanLabels(table(), new Map([['a', 'cat'], ['b', 'cat'], ['c', 'cat'], ['zz', 'dog']])))).toMatch(/1 clean labels name no sample of 'arrays' \(zz\)/);
    expect(error(() => withCleanLabels(table(), ['cat', 'cow', 'dog']))).toMatch(/clean label of sample 'b' \(row 1\) is "cow"; expected a class index below 2 or one of the class names 'cat', 'dog'/);
    expect(error(() => withLabelNoise(withCleanLabels(table(), ['cat', 'dog', 'cat']), { kind: 'symmetric', p: 0.5, seed: 0 }))).toMatch(/already has label noise/);
    expect(error(() => withCleanLabels(withCleanLabels(table(), ['cat', 'dog', 'cat']), ['cat', 'dog', 'cat']))).toMatch(/already has clean labels/);
  });

  it('come from fromArrays, a CSV column and an image folder', () => {
    const arrays = fromArrays({ x: [0, 1, 2], shape: [3, 1], labels: [0, 1, 1], cleanLabels: [0, 1, 0] });
    expect(Array.from(arrays.noise!.noisy)).toEqual([0, 0, 1]);

    // The clean column names a class no trained label has: the classes come from both columns.
    const csv = parseCsvTable('id,speed,label,truth\nr1,0.5,slug,slug\nr2,1.5,slug,bubble\n', { cleanLabel: 'truth' });
    expect(csv.classNames).toEqual(['bubble', 'slug']);
    expect(csv.featureNames).toEqual(['speed']);
    expect(Array.from(csv.noise!.cleanLabels)).toEqual([1, 0]);
    expect(Array.from(csv.noise!.noisy)).toEqual([0, 1]);
    expect(() => parseCsvTable('speed,label,truth\n1,0,\n', { cleanLabel: 'truth' })).toThrow(/line 2, column 3: missing clean label \(truth\)/);

    const root = mkdtempSync(join(tmpdir(), 'mgdl-clean-'));
    for (const name of ['cat', 'dog']) {
      mkdirSync(join(root, name));
      const image = new PNG({ width: 1, height: 1 });
      image.data.set([9, 9, 9, 255]);
      writeFileSync(join(root, name, 'x.png'), PNG.sync.write(image));
    }
    const images = loadImageFolder(root, { cleanLabels: new Map([['cat/x.png', 'dog'], ['dog/x.png', 'dog']]) });
    expect(Array.from(images.noise!.noisy)).toEqual([1, 0]);
  });
});
