import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdentity, writeIdentity } from '../src/identity.js';

describe('readIdentity', () => {
  const cellDir = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mgdl-identity-')), 'seed=0');
    mkdirSync(dir);
    return dir;
  };

  it('reads what writeIdentity wrote', () => {
    const dir = cellDir();
    writeIdentity(dir, { config: { seed: 0 } });
    expect(readIdentity(dir)).toMatchObject({ identity: { config: { seed: 0 } }, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('treats a directory holding only the temporary file of a cut identity write as never started', () => {
    const dir = cellDir();
    writeFileSync(join(dir, 'identity.json.4242.0badc0de.partial'), '{"fingerp');
    expect(readIdentity(dir)).toBeUndefined();
  });

  it('calls a started cell without a readable identity unknown', () => {
    const dir = cellDir();
    writeFileSync(join(dir, 'metrics.json'), '{}');
    expect(readIdentity(dir)).toBe('unknown');
  });
});
