import { canonicalJson, type SweepCell } from '@mgdl/sweep';

/** The grid values of a cell besides its seed (undefined: a grid without `seed`). */
const besidesSeed = (cell: SweepCell): string | undefined => {
  if (!Object.hasOwn(cell.values, 'seed')) return undefined;
  const { seed: _seed, ...others } = cell.values;
  return canonicalJson(others);
};

/**
 * Which cells of a stage train together (one key per group; undefined: alone): those that differ
 * only in their `seed` grid value. Each group is one single-thread process, so where a stage has
 * fewer groups than `workers`, a group is split — its seeds dealt out in turn, at least two per
 * part — and every worker gets an ensemble instead of one ensemble for all of them. The split
 * depends on the stage's cells and `workers` only, so a rerun forms the same groups and resumes them.
 */
export function seedGroupKey(cells: readonly SweepCell[], workers: number): (cell: SweepCell) => string | undefined {
  const sizes = new Map<string, number>();
  const position = new Map<string, number>();
  for (const cell of cells) {
    const others = besidesSeed(cell);
    if (others === undefined) continue;
    position.set(cell.name, sizes.get(others) ?? 0);
    sizes.set(others, (sizes.get(others) ?? 0) + 1);
  }
  const partsPerGroup = Math.max(1, Math.floor(workers / Math.max(1, sizes.size)));
  return (cell) => {
    const others = besidesSeed(cell);
    if (others === undefined) return undefined;
    const parts = Math.max(1, Math.min(partsPerGroup, Math.floor(sizes.get(others)! / 2)));
    return `${others}#${position.get(cell.name)! % parts}`;
  };
}
