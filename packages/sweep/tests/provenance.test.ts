import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeIdentity } from '../src/identity.js';
import { describeMixedProvenance, mixedProvenance } from '../src/provenance.js';

describe('mixedProvenance', () => {
  it('names the cells whose identity.json differs from the largest group, per field, with what differs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-provenance-'));
    const cell = (name: string, identity?: unknown) => {
      const cellDir = join(dir, name);
      mkdirSync(cellDir);
      if (identity === undefined) writeFileSync(join(cellDir, 'metrics.json'), '{}');
      else writeIdentity(cellDir, identity);
      return cellDir;
    };
    const cells = [
      cell('seed=0', { config: { seed: 0 }, code: { '@mgdl/kernel': 'a1' }, data: { verify: true } }),
      cell('seed=1', { config: { seed: 1 }, code: { '@mgdl/kernel': 'b2' }, data: { verify: false } }),
      cell('seed=2', { config: { seed: 2 }, code: { '@mgdl/kernel': 'b2' }, data: { verify: true } }),
      cell('seed=3'), // no identity.json: not compared
    ];
    const mixed = mixedProvenance(cells, ['code', 'data']);
    expect(mixed).toEqual([
      { field: 'code', cells: ['seed=0'], like: ['seed=1', 'seed=2'], differences: ['code.@mgdl/kernel: "b2" → "a1"'] },
      { field: 'data', cells: ['seed=1'], like: ['seed=0', 'seed=2'], differences: ['data.verify: true → false'] },
    ]);
    expect(describeMixedProvenance(mixed[0]!)).toBe('seed=0 was made by other code than seed=1, seed=2: code.@mgdl/kernel: "b2" → "a1"');
    // The config differs from cell to cell by design: only the fields asked about are compared.
    expect(mixedProvenance(cells.slice(1, 3), ['code'])).toEqual([]);
  });
});
