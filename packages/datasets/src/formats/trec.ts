import { Buffer } from 'node:buffer';
import { DatasetError } from '../errors.js';

/** The 6 coarse TREC question classes, in label-index order. */
export const TREC_COARSE_LABELS = ['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM'] as const;

/** The 50 fine TREC classes as `COARSE:fine`, in the label-index order of the Hugging Face `trec` dataset. */
export const TREC_FINE_LABELS = [
  'ABBR:abb', 'ABBR:exp',
  'ENTY:animal', 'ENTY:body', 'ENTY:color', 'ENTY:cremat', 'ENTY:currency', 'ENTY:dismed', 'ENTY:event',
  'ENTY:food', 'ENTY:instru', 'ENTY:lang', 'ENTY:letter', 'ENTY:other', 'ENTY:plant', 'ENTY:product',
  'ENTY:religion', 'ENTY:sport', 'ENTY:substance', 'ENTY:symbol', 'ENTY:techmeth', 'ENTY:termeq', 'ENTY:veh',
  'ENTY:word',
  'DESC:def', 'DESC:desc', 'DESC:manner', 'DESC:reason',
  'HUM:gr', 'HUM:ind', 'HUM:title', 'HUM:desc',
  'LOC:city', 'LOC:country', 'LOC:mount', 'LOC:other', 'LOC:state',
  'NUM:code', 'NUM:count', 'NUM:date', 'NUM:dist', 'NUM:money', 'NUM:ord', 'NUM:other', 'NUM:period',
  'NUM:perc', 'NUM:speed', 'NUM:temp', 'NUM:volsize', 'NUM:weight',
] as const;

const COARSE_INDEX = new Map<string, number>(TREC_COARSE_LABELS.map((l, i) => [l, i]));
const FINE_INDEX = new Map<string, number>(TREC_FINE_LABELS.map((l, i) => [l, i]));
const LINE_TEXT = 'a line "COARSE:fine question text", e.g. "NUM:date When was Ozzy Osbourne born ?"';

/**
 * Parses a TREC question-classification file (`train_5500.label`, `TREC_10.label`): one labelled
 * question per line. The files are latin-1, so every byte maps to one character.
 */
export function parseTrec(bytes: Uint8Array, file: string): { coarse: Int32Array; fine: Int32Array; questions: string[] } {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) {
    throw new DatasetError('truncated', 'file has no questions', { file, offset: 0, expected: LINE_TEXT });
  }

  const coarse = new Int32Array(lines.length);
  const fine = new Int32Array(lines.length);
  const questions: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const space = text.indexOf(' ');
    const label = space < 0 ? text : text.slice(0, space);
    const colon = label.indexOf(':');
    const question = space < 0 ? '' : text.slice(space + 1);
    if (colon < 0 || question.trim() === '') {
      const problem = text === '' ? 'empty line' : `not a label and a question: "${text.slice(0, 60)}"`;
      throw new DatasetError('malformed-line', problem, { file, line, expected: LINE_TEXT });
    }
    const coarseName = label.slice(0, colon);
    const coarseIndex = COARSE_INDEX.get(coarseName);
    if (coarseIndex === undefined) {
      throw new DatasetError('malformed-line', `unknown coarse label "${coarseName}"`, {
        file,
        line,
        expected: `one of ${TREC_COARSE_LABELS.join(', ')} before the colon`,
      });
    }
    const fineIndex = FINE_INDEX.get(label);
    if (fineIndex === undefined) {
      throw new DatasetError('malformed-line', `unknown fine label "${label}"`, {
        file,
        line,
        expected: `one of ${TREC_FINE_LABELS.filter((l) => l.startsWith(`${coarseName}:`)).join(', ')}`,
      });
    }
    coarse[i] = coarseIndex;
    fine[i] = fineIndex;
    questions.push(question);
  }
  return { coarse, fine, questions };
}
