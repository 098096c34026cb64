import { describe, expect, it } from 'vitest';
import { expandGrid } from '@mgdl/sweep';
import { seedGroupKey } from '../src/runner/seed-groups.js';

/** The cells of `grid` by group: each group's cell names, groups in order of their first cell. */
function groups(grid: Record<string, readonly unknown[]>, workers: number): string[][] {
  const cells = expandGrid({}, grid);
  const key = seedGroupKey(cells, workers);
  const byKey = new Map<string | undefined, string[]>();
  for (const cell of cells) {
    const k = key(cell);
    if (k === undefined) {
      byKey.set(cell.name, [cell.name]);
      continue;
    }
    byKey.set(k, [...(byKey.get(k) ?? []), cell.name]);
  }
  return [...byKey.values()];
}

describe('which cells train together', () => {
  it('groups the cells that differ only in their seed, one group per other grid value when there are enough to keep the workers busy', () => {
    expect(groups({ width: [1, 2], seed: [0, 1, 2] }, 2)).toEqual([
      ['width=1,seed=0', 'width=1,seed=1', 'width=1,seed=2'],
      ['width=2,seed=0', 'width=2,seed=1', 'width=2,seed=2'],
    ]);
    expect(groups({ width: [1, 2, 3], seed: [0, 1] }, 2)).toHaveLength(3);
  });

  it('splits a stage with fewer groups than workers, seeds dealt out in turn, at least two per part, the same on every call', () => {
    expect(groups({ seed: [0, 1, 2, 3, 4, 5] }, 2)).toEqual([
      ['seed=0', 'seed=2', 'seed=4'],
      ['seed=1', 'seed=3', 'seed=5'],
    ]);
    expect(groups({ seed: [0, 1, 2, 3, 4] }, 4)).toEqual([
      ['seed=0', 'seed=2', 'seed=4'],
      ['seed=1', 'seed=3'],
    ]);
    // Two seeds make one ensemble, not two cells alone; one worker keeps every group whole.
    expect(groups({ seed: [0, 1] }, 2)).toEqual([['seed=0', 'seed=1']]);
    expect(groups({ seed: [0, 1, 2, 3] }, 1)).toEqual([['seed=0', 'seed=1', 'seed=2', 'seed=3']]);
    expect(groups({ seed: [0, 1, 2, 3] }, 2)).toEqual(groups({ seed: [0, 1, 2, 3] }, 2));
  });

  it('leaves every cell of a grid without seed alone', () => {
    expect(groups({ width: [1, 2] }, 2)).toEqual([['width=1'], ['width=2']]);
  });
});
