import { describe, expect, it } from 'vitest';
import { formatTable, joinRows } from '../src/rows.js';
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
        { net: 'mcnn3', threads: 1, samplesPerSec: 2500 },
        { net: 'mcnn3', threads: 2, samplesPerSec: 4000 },
      ],
    );
    expect(rows.map((r) => r.ratio)).toEqual([0.5, 0.4, null]);
    expect(rows[0]!.torchSamplesPerSec).toBe(4000);
    const table = formatTable(rows).split('\n');
    expect(table).toHaveLength(5);
    expect(table[4]).toContain('—');
  });

  it('rejects unknown nets by name', () => {
    expect(() => selectNets('mlp,resnet')).toThrow(/unknown net\(s\) resnet/);
    expect(selectNets('mcnn10').map((n) => n.name)).toEqual(['mcnn10']);
  });
});
