import { createHash } from 'node:crypto';

/** Long names are cut and suffixed with a hash of the whole name; file names stop at 255 bytes. */
const MAX_NAME_LENGTH = 100;

/** Renders one grid value as it appears in a cell name. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/**
 * Percent-encodes every character outside [A-Za-z0-9._-]. Encoding (rather than replacing) keeps
 * distinct values distinct, and `=` and `,` can then only be the separators between name parts.
 */
export function escapeNamePart(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Joins `key=value` parts; an empty grid has exactly one cell, called `base`. */
export function joinName(parts: readonly string[]): string {
  const name = parts.length === 0 ? 'base' : parts.join(',');
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1)}~${hash}`;
}

/** Cell names become directory names under the sweep directory, so they must stay inside it. */
export function assertCellNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
      throw new Error(`sweep: cell name ${JSON.stringify(name)} cannot be used as a directory name`);
    }
    if (seen.has(name)) throw new Error(`sweep: two cells are named ${JSON.stringify(name)}`);
    seen.add(name);
  }
}
