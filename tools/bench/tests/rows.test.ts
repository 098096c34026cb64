import { describe, expect, it } from 'vitest';
import { formatTable, joinRows, medianRows } from '../src/rows.js';
import { selectNets } from '../src/nets.js';

describe('bench rows', () => {
  it('pairs tfjs and torch at the same net and thread count', () => {
    const rows = joinRows(
      [
        { net: 'mcnn3', backend: 'wasm', threads: 2, samplesPerSec: 2000 },
        { net: 'mcnn3', backend: 'wasm', threads: 1, samplesPerSec: 1000 },
        { net: 'mlp', backend: 'cpu', threads: 1, samplesPerSec: 500 },
      ],
      [
        { version: '2.5.1+cpu', rows: [{ net: 'mcnn3', threads: 1, samplesPerSec: 2500 }, { net: 'mcnn3', threads: 2, samplesPerSec: 4000 }] },
        { version: '1.13.1', rows: [{ net: 'mcnn3', threads: 1, samplesPerSec: 500 }] },
      ],
    );
    expect(rows.map((r) => r.ratio)).toEqual([0.5, 0.4, null]);
    expect(rows[0]!.torchSamplesPerSec).toBe(4000);
    expect(rows[1]!.references).toEqual([
      { torch: '2.5.1+cpu', samplesPerSec: 2500, ratio: 0.4 },
      { torch: '1.13.1', samplesPerSec: 500, ratio: 2 },
    ]);
    expect(rows[0]!.references[1]).toEqual({ torch: '1.13.1', samplesPerSec: null, ratio: null });
    const table = formatTable(rows, ['2.5.1+cpu', '1.13.1']).split('\n');
    expect(table).toHaveLength(5);
    expect(table[0]).toMatch(/torch 2\.5\.1\+cpu samples\/s .* torch 1\.13\.1 samples\/s/);
    expect(table[3]).toMatch(/\| 2500 +\| 0\.40 +\| 500 +\| 2\.00 +\|$/);
    expect(table[4]).toContain('—');
  });

  it('keeps the median measurement of each net, backend and thread count', () => {
    const rows = medianRows([
      { net: 'mlp', backend: 'wasm', threads: 1, samplesPerSec: 900 },
      { net: 'mlp', backend: 'wasm', threads: 2, samplesPerSec: 5 },
      { net: 'mlp', backend: 'wasm', threads: 1, samplesPerSec: 100 },
      { net: 'mlp', backend: 'wasm', threads: 1, samplesPerSec: 500 },
    ]);
    expect(rows.map((r) => [r.threads, r.samplesPerSec])).toEqual([[1, 500], [2, 5]]);
    expect(medianRows([{ net: 'mlp', threads: 1, samplesPerSec: 3 }, { net: 'mlp', threads: 1, samplesPerSec: 1 }])[0]!.samplesPerSec).toBe(3);
  });

  it('rejects unknown nets by name', () => {
    expect(() => selectNets('mlp,resnet')).toThrow(/unknown net\(s\) resnet/);
    expect(selectNets('mcnn10').map((n) => n.name)).toEqual(['mcnn10']);
  });
});
