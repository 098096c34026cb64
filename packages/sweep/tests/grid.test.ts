import { describe, expect, it } from 'vitest';
import { expandGrid } from '../src/index.js';

describe('expandGrid', () => {
  it('takes the cartesian product with the first key outermost', () => {
    const cells = expandGrid({ seed: 1 }, { width: [3, 4], noise: [0.1, 0.2, 0.3] });
    expect(cells.map((cell) => cell.name)).toEqual([
      'width=3,noise=0.1',
      'width=3,noise=0.2',
      'width=3,noise=0.3',
      'width=4,noise=0.1',
      'width=4,noise=0.2',
      'width=4,noise=0.3',
    ]);
    expect(cells[4]).toEqual({ name: 'width=4,noise=0.2', config: { seed: 1, width: 4, noise: 0.2 }, values: { width: 4, noise: 0.2 } });
  });

  it('sets dotted keys as nested fields without touching the base or sharing objects', () => {
    const base = { model: { width: 1, depth: 2 }, lr: 0.1 };
    const cells = expandGrid(base, { 'model.width': [3, 5], 'optim.betas': [[0.9, 0.99]] });
    expect(cells[0]!.config).toEqual({ model: { width: 3, depth: 2 }, lr: 0.1, optim: { betas: [0.9, 0.99] } });
    expect(cells[1]!.config['model']).toEqual({ width: 5, depth: 2 });
    expect(cells[0]!.config['optim']).not.toBe(cells[1]!.config['optim']);
    expect(base).toEqual({ model: { width: 1, depth: 2 }, lr: 0.1 });
    expect(() => expandGrid({ model: 3 }, { 'model.width': [1] })).toThrow(/"model" in the base config is not an object/);
    expect(() => expandGrid({}, { 'model..width': [1] })).toThrow(/empty segment/);
  });

  it('names cells uniquely and safely for a file system', () => {
    const cells = expandGrid({}, {
      'model.width': [8],
      'head.width': [2],
      'data.name': ['a/b c', '../x', 'ü,=%'],
      shape: [[2, 3], { k: 1 }, null, true],
    });
    expect(cells[0]!.name).toBe('model.width=8,head.width=2,name=a%2Fb%20c,shape=%5B2%2C3%5D');
    const names = cells.map((cell) => cell.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._%=,-]+$/);
    expect(names).toContain('model.width=8,head.width=2,name=..%2Fx,shape=null');
  });

  it('keeps long names short, unique and deterministic', () => {
    const long = ['x'.repeat(200) + 'a', 'x'.repeat(200) + 'b'];
    const names = expandGrid({}, { text: long }).map((cell) => cell.name);
    expect(names.every((name) => name.length <= 100)).toBe(true);
    expect(names[0]).not.toBe(names[1]);
    expect(expandGrid({}, { text: long }).map((cell) => cell.name)).toEqual(names);
  });

  it('rejects values that would share a name, and handles empty grids', () => {
    expect(() => expandGrid({}, { width: [1, '1'] })).toThrow(/the grid key "width" lists one value twice \(width=1\): give each value once/);
    expect(expandGrid({ a: 1 }, {})).toEqual([{ name: 'base', config: { a: 1 }, values: {} }]);
    expect(expandGrid({ a: 1 }, { width: [] })).toEqual([]);
  });
});
