import type { Dataset } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { parseTrec, TREC_COARSE_LABELS, TREC_FINE_LABELS } from '../formats/trec.js';
import { openFiles } from '../sources/open.js';
import { trecSpec } from '../sources/registry.js';
import { Vocabulary, type VocabularyOptions } from '../text/vocabulary.js';
import type { SplitOptions } from './idx-images.js';

export interface TrecOptions extends SplitOptions, VocabularyOptions {
  /** Coarse: 6 classes (the seed experiments); fine: 50. */
  labels?: 'coarse' | 'fine';
  /** Token ids per question, truncated or padded at the end (default 40: the longest training question has 37 tokens). */
  maxLength?: number;
  /** A vocabulary saved with an earlier run; by default it is built from the training split. */
  vocabulary?: Vocabulary;
}

/**
 * TREC question classification: 5,452 train / 500 test questions. The vocabulary always comes
 * from the training split (or is given), so the test split never leaks into it.
 */
export async function loadTrec({ split = 'train', labels = 'coarse', maxLength = 40, vocabulary, minFrequency, maxSize, ...options }: TrecOptions = {}): Promise<Dataset> {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new DatasetError('bad-argument', `maxLength ${maxLength}`, { expected: 'a positive integer' });
  }
  const needed = split === 'train' || vocabulary ? [split] : [split, 'train'];
  const { sources, bytes } = await openFiles(trecSpec, needed, options);
  const parsed = new Map(sources.map((s) => [s.id, parseTrec(bytes.get(s.id)!, s.path)]));
  const questions = parsed.get(split)!;
  const vocab = vocabulary ?? Vocabulary.build(parsed.get('train')!.questions, { minFrequency, maxSize });
  const count = questions.questions.length;
  const x = new Int32Array(count * maxLength);
  questions.questions.forEach((text, i) => vocab.encode(text, maxLength, x, i * maxLength));
  return {
    name: 'trec',
    split,
    kind: 'text',
    x,
    sampleShape: [maxLength],
    labels: Int32Array.from(labels === 'coarse' ? questions.coarse : questions.fine),
    ids: Int32Array.from({ length: count }, (_, i) => i),
    classNames: labels === 'coarse' ? TREC_COARSE_LABELS : TREC_FINE_LABELS,
    vocabulary: vocab,
    sources: sources.filter((s) => s.id === split),
  };
}
