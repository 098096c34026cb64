import { describe, expect, it } from 'vitest';
import { classHistogram, DatasetError, padImages, splitTrainValidation, takeFirst, takeIds, takeStratified, withLabelNoise } from '../src/index.js';
import { toyImages } from './fixtures/toy.js';

describe('subsets', () => {
  it('takes the first n samples with their rows, labels and ids', () => {
    const part = takeFirst(toyImages(20), 5);
    expect(Array.from(part.ids)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(part.x.subarray(12, 16))).toEqual([3, 3, 3, 3]);
  });

  it('takes a stratified subset with the class proportions of the whole', () => {
    const data = { ...toyImages(1000, 4), labels: Int32Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i < 800 ? 1 : i < 900 ? 2 : 3)) };
    const part = takeStratified(data, 100, 3);
    expect(classHistogram(part)).toEqual([50, 30, 10, 10]);
    expect(new Set(part.ids).size).toBe(100);
    for (let k = 0; k < 100; k++) expect(part.labels[k]).toBe(data.labels[part.ids[k]!]);
    expect(takeStratified(data, 100, 3).ids).toEqual(part.ids);
    expect(takeStratified(data, 100, 4).ids).not.toEqual(part.ids);
  });

  it('takes explicit ids, carrying their noise flags, and rejects unknown or repeated ids', () => {
    const noisy = withLabelNoise(toyImages(30), { kind: 'pair', p: 0.5, seed: 2 });
    const part = takeIds(noisy, [29, 3, 7]);
    expect(Array.from(part.ids)).toEqual([29, 3, 7]);
    expect(Array.from(part.noise!.noisy)).toEqual([29, 3, 7].map((i) => noisy.noise!.noisy[i]));
    expect(part.noise!.flipped).toBe([29, 3, 7].filter((i) => noisy.noise!.noisy[i]).length);
    expect(() => takeIds(part, [3, 4])).toThrow(/id 4 \(entry 1\) is not in toy train/);
    expect(() => takeIds(part, [3, 3])).toThrow(/appears twice/);
  });

  it.each([0, -1, 31, 2.5])('rejects a subset size of %s', (n) => {
    expect(() => takeFirst(toyImages(30), n)).toThrow(DatasetError);
  });

  it('splits train/validation disjointly, covering every sample, stratified by default', () => {
    const data = toyImages(200, 4);
    const { train, validation } = splitTrainValidation(data, { validation: 0.1, seed: 1 });
    expect(validation.labels.length).toBe(20);
    expect(classHistogram(validation)).toEqual([5, 5, 5, 5]);
    expect([...train.ids, ...validation.ids].sort((a, b) => a - b)).toEqual(Array.from(data.ids));
    expect(splitTrainValidation(data, { validation: 30, stratified: false }).validation.labels.length).toBe(30);
    expect(() => splitTrainValidation(data, { validation: 200 })).toThrow(/validation size 200/);
  });
});

describe('padImages', () => {
  it('centres 28×28 images in black 32×32 frames', () => {
    const data = { ...toyImages(2), x: Uint8Array.from({ length: 2 * 28 * 28 }, (_, j) => 1 + (j % 200)), sampleShape: [28, 28, 1] };
    const padded = padImages(data);
    expect(padded.sampleShape).toEqual([32, 32, 1]);
    const at = (n: number, row: number, col: number) => padded.x[(n * 32 + row) * 32 + col];
    expect([at(0, 0, 0), at(0, 1, 5), at(1, 31, 31), at(1, 10, 30)]).toEqual([0, 0, 0, 0]);
    expect(at(1, 2, 2)).toBe(data.x[28 * 28]);
    expect(at(0, 29, 29)).toBe(data.x[27 * 28 + 27]);
    expect(() => padImages(data, 20, 20)).toThrow(/cannot pad 28×28 images to 20×20/);
  });
});
