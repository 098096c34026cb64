import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@mgdl/io';
import { DatasetError } from '../errors.js';

export const PAD_TOKEN = '<pad>';
export const OOV_TOKEN = '<unk>';

/** Lower-cases and splits on whitespace; the TREC files are already tokenised with spaces. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export interface VocabularyOptions {
  /** Keep tokens seen at least this often (default 1). */
  minFrequency?: number;
  /** Keep at most this many tokens, besides padding and OOV. */
  maxSize?: number;
}

/**
 * Token ↔ id. Id 0 pads, id 1 stands for every token not in the vocabulary; the rest are ordered
 * by decreasing frequency in the texts it was built from, ties alphabetical, so it is reproducible.
 */
export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly index: Map<string, number>;

  constructor(tokens: readonly string[]) {
    if (tokens[0] !== PAD_TOKEN || tokens[1] !== OOV_TOKEN) {
      throw new DatasetError('bad-value', 'vocabulary does not start with the padding and OOV tokens', {
        expected: `["${PAD_TOKEN}", "${OOV_TOKEN}", …]`,
      });
    }
    this.tokens = tokens;
    this.index = new Map(tokens.map((token, id) => [token, id]));
    if (this.index.size !== tokens.length) throw new DatasetError('bad-value', 'vocabulary has duplicate tokens');
  }

  static build(texts: Iterable<string>, { minFrequency = 1, maxSize = Infinity }: VocabularyOptions = {}): Vocabulary {
    const counts = new Map<string, number>();
    for (const text of texts) for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
    const kept = [...counts]
      .filter(([token, count]) => count >= minFrequency && token !== PAD_TOKEN && token !== OOV_TOKEN)
      .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, maxSize)
      .map(([token]) => token);
    return new Vocabulary([PAD_TOKEN, OOV_TOKEN, ...kept]);
  }

  get size(): number {
    return this.tokens.length;
  }

  get padId(): number {
    return 0;
  }

  get oovId(): number {
    return 1;
  }

  idOf(token: string): number {
    return this.index.get(token) ?? this.oovId;
  }

  /** Fixed-length ids into `out` at `offset`: truncated at the end, padded at the end. */
  encode(text: string, length: number, out = new Int32Array(length), offset = 0): Int32Array {
    const tokens = tokenize(text);
    for (let i = 0; i < length; i++) out[offset + i] = i < tokens.length ? this.idOf(tokens[i]!) : this.padId;
    return out;
  }

  toJSON(): { format: 'mgdl-vocabulary-1'; lowercase: true; tokens: readonly string[] } {
    return { format: 'mgdl-vocabulary-1', lowercase: true, tokens: this.tokens };
  }
}

/** Saves a vocabulary with a run, atomically, so the run's token ids can be decoded later. */
export function writeVocabulary(path: string, vocabulary: Vocabulary): void {
  writeFileAtomic(path, `${JSON.stringify(vocabulary.toJSON())}\n`);
}

export function readVocabulary(path: string): Vocabulary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DatasetError('bad-value', `cannot read the vocabulary: ${(error as Error).message}`, { file: path, expected: 'a JSON file written by writeVocabulary' });
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if ((parsed as { format?: unknown }).format !== 'mgdl-vocabulary-1' || !Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) {
    throw new DatasetError('bad-value', 'not an mgdl vocabulary', { file: path, expected: '{"format": "mgdl-vocabulary-1", "tokens": [string…]}' });
  }
  return new Vocabulary(tokens as string[]);
}
