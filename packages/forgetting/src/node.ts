// @mgdl/forgetting/node: the file readers, for Node. Everything else is in the main entry, which runs anywhere.
import { readFileSync } from 'node:fs';
import { HistoryError } from './errors.js';
import { parseGroups } from './groups.js';
import type { History, Series } from './history.js';
import { historyFromBytes } from './history-io.js';

/** Reads a history file, binary when it starts with the binary magic, CSV otherwise. */
export function readHistoryFile(path: string, { series }: { series?: Series } = {}): History {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, { file: path });
  }
  return historyFromBytes(bytes, { file: path, series });
}

/** Meso-scale groups from a CSV file of `id,group` lines (see parseGroups). */
export function readGroupsFile(path: string, history: History): Int32Array[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, { file: path });
  }
  return parseGroups(text, history, path);
}
