import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
import { IDENTITY_FILE } from './files.js';

/** What a cell directory was made by: its fully resolved config (and the code version) and their fingerprint. */
export interface CellIdentity {
  fingerprint: string;
  identity: unknown;
}

/** JSON with object keys sorted, so equal values give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The first 16 hex digits of the SHA-256 of the canonical JSON. */
export const fingerprintOf = (identity: unknown): string => createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 16);

export const writeIdentity = (cellDir: string, identity: unknown): void =>
  writeFileAtomic(join(cellDir, IDENTITY_FILE), `${JSON.stringify({ fingerprint: fingerprintOf(identity), identity } satisfies CellIdentity, null, 2)}\n`);

/**
 * The identity a cell directory records; `undefined` for an empty or absent directory, or one that
 * holds only what a cut write left (the identity's own temporary file: the cell never started). A
 * directory with files but no readable identity (written before fingerprints, or damaged) is `'unknown'`.
 */
export function readIdentity(cellDir: string): CellIdentity | 'unknown' | undefined {
  if (!existsSync(cellDir) || readdirSync(cellDir).every((name) => name.endsWith('.partial'))) return undefined;
  try {
    const saved = JSON.parse(readFileSync(join(cellDir, IDENTITY_FILE), 'utf8')) as CellIdentity;
    return typeof saved.fingerprint === 'string' ? saved : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Dotted paths where two identities differ, with both values, for a message a person can act on. */
export function differences(saved: unknown, wanted: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(saved) && isObject(wanted)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(wanted)])].sort();
    return keys.flatMap((key) => differences(saved[key], wanted[key], path ? `${path}.${key}` : key));
  }
  return canonicalJson(saved) === canonicalJson(wanted) ? [] : [`${path || '(all)'}: ${canonicalJson(saved) ?? 'absent'} → ${canonicalJson(wanted) ?? 'absent'}`];
}
