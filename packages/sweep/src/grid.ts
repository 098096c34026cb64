import { escapeNamePart, formatValue, joinName } from './cell-name.js';

export interface SweepCell {
  /** Unique, filesystem-safe and deterministic: also the name of the cell's directory. */
  name: string;
  /** `base` with this cell's grid values set. */
  config: Record<string, unknown>;
  /** This cell's grid values, keyed as in the grid. */
  values: Record<string, unknown>;
}

/** A grid that cannot be expanded (two values with one cell name, a bad key): the caller's input is at fault. */
export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridError';
  }
}

/**
 * The cartesian product of `grid` over `base`, first grid key outermost. A dotted key such as
 * `model.width` sets a nested field (creating missing objects), so a key cannot itself contain a dot.
 * `base` and the values are deep-copied per cell (they must be structured-cloneable).
 */
export function expandGrid(base: Record<string, unknown>, grid: Record<string, readonly unknown[]>): SweepCell[] {
  const keys = Object.keys(grid);
  const labels = keyLabels(keys);
  let cells: { values: Record<string, unknown>; parts: string[] }[] = [{ values: {}, parts: [] }];
  keys.forEach((key, k) => {
    const options = grid[key]!;
    const parts = options.map((value) => `${escapeNamePart(labels[k]!)}=${escapeNamePart(formatValue(value))}`);
    const clash = parts.find((part, i) => parts.indexOf(part) !== i);
    if (clash !== undefined) throw new GridError(`the grid key "${key}" lists one value twice (${clash}): give each value once`);
    cells = cells.flatMap((cell) =>
      options.map((value, i) => ({ values: { ...cell.values, [key]: value }, parts: [...cell.parts, parts[i]!] })),
    );
  });
  return cells.map(({ values, parts }) => {
    const config = structuredClone(base);
    for (const [key, value] of Object.entries(values)) setPathOrThrow(config, key, structuredClone(value));
    return { name: joinName(parts), config, values };
  });
}

/** Names use a key's last segment (`width` for `model.width`) unless two keys share it. */
function keyLabels(keys: readonly string[]): string[] {
  const last = keys.map((key) => key.slice(key.lastIndexOf('.') + 1));
  return keys.map((key, i) => (last.indexOf(last[i]!) === last.lastIndexOf(last[i]!) ? last[i]! : key));
}

/**
 * Sets the field at a dotted grid `key`, creating missing objects; throws where the base config
 * holds something else than an object on the way (or the key has an empty segment) rather than
 * replace it, unlike @mgdl/experiment's `setPathReplacing` for --set values.
 */
function setPathOrThrow(target: Record<string, unknown>, key: string, value: unknown): void {
  const segments = key.split('.');
  if (segments.includes('')) throw new GridError(`the grid key "${key}" has an empty segment`);
  let node = target;
  segments.slice(0, -1).forEach((segment, i) => {
    node[segment] ??= {};
    const next = node[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const prefix = segments.slice(0, i + 1).join('.');
      throw new Error(`sweep: cannot set "${key}": "${prefix}" in the base config is not an object`);
    }
    node = next as Record<string, unknown>;
  });
  node[segments.at(-1)!] = value;
}
