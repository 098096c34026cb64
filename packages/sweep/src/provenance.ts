import { basename } from 'node:path';
import { canonicalJson, differences, readIdentity } from './identity.js';

/** Cells whose identity.json differs from the others' in one field (e.g. the code or data that made them). */
export interface MixedProvenance {
  /** The identity field, e.g. 'code' or 'data'. */
  field: string;
  /** The cells (directory names) that differ from `like`. */
  cells: string[];
  /** The largest group of cells that agree in the field (the first such group on a tie). */
  like: string[];
  /** Dotted paths with both values, from `like`'s to `cells`'. */
  differences: string[];
}

/**
 * Where the cells in `cellDirs` were made by different code or data, as their identity.json files
 * record it: per field of `fields`, each group of cells that differs from the largest group, with
 * what differs. Cells without an identity.json are left out. Empty when all agree.
 */
export function mixedProvenance(cellDirs: readonly string[], fields: readonly string[]): MixedProvenance[] {
  const identities = cellDirs.flatMap((dir) => {
    const saved = readIdentity(dir);
    return saved === undefined || saved === 'unknown' || typeof saved.identity !== 'object' || saved.identity === null ? [] : [{ name: basename(dir), identity: saved.identity as Record<string, unknown> }];
  });
  return fields.flatMap((field) => {
    const groups = new Map<string, { value: unknown; cells: string[] }>();
    for (const { name, identity } of identities) {
      const key = canonicalJson(identity[field]) ?? 'absent';
      const group = groups.get(key) ?? { value: identity[field], cells: [] };
      group.cells.push(name);
      groups.set(key, group);
    }
    const [largest, ...others] = [...groups.values()].sort((a, b) => b.cells.length - a.cells.length);
    return others.map((group) => ({ field, cells: group.cells, like: largest!.cells, differences: differences(largest!.value, group.value, field) }));
  });
}

/** One line per mixed field: which cells differ from which, and in what. */
export const describeMixedProvenance = (mixed: MixedProvenance): string =>
  `${mixed.cells.join(', ')} ${mixed.cells.length === 1 ? 'was' : 'were'} made by other ${mixed.field} than ${mixed.like.join(', ')}: ${mixed.differences.slice(0, 3).join('; ')}${mixed.differences.length > 3 ? ` (+${mixed.differences.length - 3} more)` : ''}`;
