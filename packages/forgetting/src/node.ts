// @mgdl/forgetting/node: the file readers, for Node. Everything else is in the main entry, which runs anywhere.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HistoryError } from './errors.js';
import { parseGroups } from './groups.js';
import type { History, Series } from './history.js';
import { fileHead, fileLines } from './file-lines.js';
import { historyFromBytes, historyFromCsvLines } from './history-io.js';
import { parseAumRecords, parseCartography, parseInterchange, INTERCHANGE_FORMAT } from './import/formats.js';
import { parseMatrixCsv, parseMatrixJson } from './import/matrix.js';
import { FORMAT_DESCRIPTIONS, IMPORT_FORMATS, type ImportedDynamics, type ImportFormat } from './import/records.js';
import type { SourceLines, SourceText } from './import/sources.js';

export { fileHead, fileLines } from './file-lines.js';
export { interchangeWriter, type InterchangeWriter, type InterchangeWriterOptions } from './interchange-writer.js';

/** Reads a history file, binary when it starts with the binary magic, CSV otherwise (read line by line, never held whole). */
export function readHistoryFile(path: string, { series }: { series?: Series } = {}): History {
  if (!isBinaryHistory(fileHead(path, 8))) {
    const notText = { problem: 'neither a CSV history nor an mgdl binary history (binary data without the MGDLHIST header)', hint: 'expected CSV rows of 0/1 values, or a file written by historyToBinary' };
    return historyFromCsvLines(fileLines(path, notText), { file: path, ...(series ? { series } : {}) });
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new HistoryError(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, { file: path });
  }
  return historyFromBytes(bytes, { file: path, series });
}

/** Whether bytes start with the magic of mgdl's binary history format. */
export const isBinaryHistory = (head: Uint8Array): boolean => String.fromCharCode(...head.subarray(0, 8)) === 'MGDLHIST';

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

export interface ReadDynamicsOptions {
  /** Default: detected from the names and first lines (see detectFormat). */
  format?: ImportFormat;
  /** Override the series the format implies. */
  series?: Series;
  /** Matrix CSV: line 1 is a header (true) or data (false); default detected. */
  header?: boolean;
}

const CARTOGRAPHY_FILE = /^dynamics_epoch_(\d+)\.jsonl?$/;

/**
 * Training dynamics from other tools' files (or mgdl's interchange format), in any of
 * IMPORT_FORMATS. A directory is read as cartography's: its `training_dynamics/` folder (or the
 * directory itself) holding dynamics_epoch_N.jsonl files, in epoch order.
 */
export function readDynamics(paths: readonly string[], options: ReadDynamicsOptions = {}): ImportedDynamics {
  if (paths.length === 0) throw new HistoryError('no files given');
  const files = paths.flatMap((path) => (isDirectory(path) ? cartographyFiles(path) : [path]));
  const format = options.format ?? detectFormat(files);
  if (!IMPORT_FORMATS.includes(format)) throw new HistoryError(`unknown format '${String(format)}'`, {}, `expected one of ${IMPORT_FORMATS.join(', ')}`);
  const sources = files.map((file): SourceLines => ({ file, lines: () => fileLines(file, NOT_TEXT) }));
  const series = options.series ? { series: options.series } : {};
  const single = (): SourceLines => {
    if (sources.length !== 1) throw new HistoryError(`the ${format} format is one file, ${sources.length} were given`, { file: files.join(', ') });
    return sources[0]!;
  };
  try {
    return parseAs(format, sources, options, single, series);
  } catch (error) {
    // A detected format may be the wrong guess: say how the files were read and what else exists.
    if (error instanceof HistoryError && !options.format) {
      error.message += `; read as ${format} (detected from the file${files.length > 1 ? 's' : ''}); if it is another format, name it (mgdl analyze --format, readDynamics's format): ${IMPORT_FORMATS.join(', ')}`;
    }
    throw error;
  }
}

function parseAs(format: ImportFormat, sources: SourceLines[], options: ReadDynamicsOptions, single: () => SourceLines, series: { series?: Series }): ImportedDynamics {
  switch (format) {
    case 'mgdl-jsonl':
      return parseInterchange(sources, series);
    case 'cartography':
      return parseCartography(sources.sort((a, b) => epochOf(a.file) - epochOf(b.file)), series);
    case 'aum':
      return parseAumRecords(single(), series);
    case 'matrix-json':
      // One JSON value: read whole (a large matrix is better written as CSV, which streams).
      return parseMatrixJson({ file: single().file, text: readText(single().file) } satisfies SourceText, series);
    case 'matrix-csv':
      return parseMatrixCsv(single(), { ...series, ...(options.header !== undefined ? { header: options.header } : {}) });
  }
}

/**
 * The format of files, from their names and first line: dynamics_epoch_N.jsonl → cartography; a
 * first line with "format":"mgdl-dynamics" → mgdl-jsonl; a CSV header with sample_id and
 * num_measurements → aum; .json → matrix-json; anything else → matrix-csv.
 */
export function detectFormat(files: readonly string[]): ImportFormat {
  if (files.every((f) => CARTOGRAPHY_FILE.test(basename(f)))) return 'cartography';
  if (files.length > 1) throw new HistoryError(`${files.length} files that are not all dynamics_epoch_N.jsonl`, { file: files.join(', ') }, 'expected one history file, or the epoch files of dataset cartography; say --format for mgdl-jsonl shards');
  const file = files[0]!;
  const head = headText(file).split(/\r?\n/)[0]!.replace(/^\uFEFF/, '');
  if (head.includes(`"${INTERCHANGE_FORMAT}"`)) return 'mgdl-jsonl';
  if (/"logits_epoch_\d+"/.test(head) && head.includes('"guid"')) return 'cartography';
  const cells = head.split(',').map((c) => c.trim());
  if (cells.includes('sample_id') && cells.includes('num_measurements')) return 'aum';
  if (/\.json$/i.test(file)) return 'matrix-json';
  return 'matrix-csv';
}

function cartographyFiles(dir: string): string[] {
  const inner = join(dir, 'training_dynamics');
  const folder = isDirectory(inner) ? inner : dir;
  const files = readdirSync(folder).filter((f) => CARTOGRAPHY_FILE.test(f));
  if (files.length === 0) throw new HistoryError('no dynamics_epoch_N.jsonl files', { file: folder }, `expected ${FORMAT_DESCRIPTIONS.cartography}, in the folder or its training_dynamics/ folder`);
  return files.map((f) => join(folder, f)).sort((a, b) => epochOf(a) - epochOf(b));
}

const epochOf = (file: string): number => Number(CARTOGRAPHY_FILE.exec(basename(file))?.[1] ?? Number.NaN);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const NOT_TEXT = { problem: 'binary data, not text', hint: `expected text in one of the formats: ${IMPORT_FORMATS.join(', ')}` };

function readText(file: string): string {
  let text = '';
  for (const line of fileLines(file, NOT_TEXT)) text += `${line}\n`;
  return text;
}

/** The file's first 4 KiB as text (a character cut at the end dropped). */
function headText(file: string): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(fileHead(file, 4096));
  if (text.includes('\0')) throw new HistoryError(NOT_TEXT.problem, { file }, NOT_TEXT.hint);
  return text;
}
