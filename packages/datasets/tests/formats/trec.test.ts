import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TREC_COARSE_LABELS, TREC_FINE_LABELS, parseTrec } from '../../src/formats/trec.js';
import { encodeTrec } from '../fixtures/encode.js';
import { expectDatasetError } from '../fixtures/expect-error.js';

const FILE = 'train_5500.label';
// The project's real data next to the repository (../shared/data), where the machines have it.
const REAL_DIR = fileURLToPath(new URL('../../../../../shared/data/trec', import.meta.url));
const haveReal = existsSync(REAL_DIR);
if (!haveReal) console.warn(`trec.test: ${REAL_DIR} is missing, so the checks against the real files are skipped`);
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('TREC labels', () => {
  it('has 6 coarse and 50 fine labels, each fine label under a coarse one, grouped in coarse order', () => {
    expect(TREC_COARSE_LABELS).toHaveLength(6);
    expect(new Set(TREC_FINE_LABELS).size).toBe(50);
    const coarseOf = TREC_FINE_LABELS.map((l) => (TREC_COARSE_LABELS as readonly string[]).indexOf(l.split(':')[0]!));
    expect(coarseOf.every((c, i) => c >= 0 && c >= (coarseOf[i - 1] ?? 0))).toBe(true);
  });
});

describe('parseTrec', () => {
  it('round-trips labelled questions, latin-1 included', () => {
    const rows = [
      { label: 'NUM:date', text: 'When was Ozzy Osbourne born ?' },
      { label: 'LOC:city', text: 'Which city has a sister\u00f0city ?' },
      { label: 'ABBR:abb', text: 'What is the abbreviation for Texas ?' },
      { label: 'HUM:desc', text: 'Who is  Colin Powell ?' },
    ];
    const parsed = parseTrec(encodeTrec(rows), FILE);
    expect(parsed.questions).toEqual(rows.map((r) => r.text));
    expect([...parsed.fine].map((f) => TREC_FINE_LABELS[f])).toEqual(rows.map((r) => r.label));
    expect([...parsed.coarse]).toEqual([5, 4, 0, 3]);
  });

  it('maps every byte to one character and strips CRLF line ends', () => {
    const parsed = parseTrec(latin1('DESC:def What is \x80\xff ?\r\nENTY:veh Car ?'), FILE);
    expect(parsed.questions).toEqual(['What is \x80\xff ?', 'Car ?']);
  });

  it('reports an empty file as truncated', () => {
    expectDatasetError(() => parseTrec(new Uint8Array(0), FILE), 'truncated', FILE);
  });

  it.each([
    ['an empty line before the end', 'NUM:date When ?\n\nNUM:date When ?\n', 2],
    ['two empty lines at the end', 'NUM:date When ?\n\n', 2],
    ['a label without a colon', 'NUM:date When ?\nNUMdate When ?\n', 2],
    ['a label without a question', 'NUM:date\n', 1],
    ['a label with an empty question', 'NUM:date \n', 1],
    ['an unknown coarse label', 'NUMBER:date When ?\n', 1],
    ['an unknown fine label', 'NUM:year When ?\n', 1],
    ['a fine label under the wrong coarse one', 'HUM:date When ?\n', 1],
  ])('rejects %s as malformed-line with its line number', (_, text, line) => {
    const err = expectDatasetError(() => parseTrec(latin1(text), FILE), 'malformed-line', FILE);
    expect(err.line).toBe(line);
    expect(err.message).toContain(`line ${line}`);
  });

  it.runIf(haveReal)('parses the real train_5500.label and TREC_10.label', () => {
    const read = (name: string): ReturnType<typeof parseTrec> =>
      parseTrec(new Uint8Array(readFileSync(join(REAL_DIR, name))), name);
    const train = read('train_5500.label');
    const test = read('TREC_10.label');
    expect(train.questions).toHaveLength(5452);
    expect(test.questions).toHaveLength(500);
    expect(train.questions[0]).toBe('How did serfdom develop in and then leave Russia ?');
    expect(TREC_FINE_LABELS[train.fine[0]!]).toBe('DESC:manner');
    expect(train.questions[65]).toContain('sister\u00f0city');
    expect(new Set(train.fine).size).toBe(50);
    for (const { coarse, fine } of [train, test]) {
      const mismatched = [...fine].filter((f, i) => TREC_FINE_LABELS[f]!.split(':')[0] !== TREC_COARSE_LABELS[coarse[i]!]);
      expect(mismatched).toEqual([]);
    }
  });
});
