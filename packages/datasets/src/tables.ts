import { sampleCount, sampleSize, type Dataset, type Split } from './dataset.js';
import { DatasetError } from './errors.js';
import { withCleanLabels, type CleanLabels } from './noise.js';

/** Sample ids: integers (kept as they are) or strings (kept as `names`, with ids 0…n−1 in row order). */
export type SampleIds = Int32Array | readonly number[] | readonly string[];

export interface FromArraysOptions {
  /** Row-major values of every sample. Float32Array / Int32Array: a feature table; Uint8Array with a [h, w, c] sample shape: images (0–255). */
  x: Float32Array | Uint8Array | Int32Array | readonly number[];
  /** The full shape, samples first: [n, features] for a table, [n, h, w, c] for images. */
  shape: readonly number[];
  /** Classification: a class index per sample, or class names (mapped to indices by `classNames`, else sorted). */
  labels?: Int32Array | readonly number[] | readonly string[];
  /** Regression: `n` or `n·k` float targets (k per sample). */
  targets?: Float32Array | readonly number[];
  /** Default 0…n−1. */
  ids?: SampleIds;
  /** Class names in class-index order; default the sorted distinct string labels, or '0'…'C−1' for integer labels. */
  classNames?: readonly string[];
  featureNames?: readonly string[];
  /** Default: 'image' for a Uint8Array with an [h, w, c] sample shape, else 'table'; 'text': Int32Array token ids, kept as integers. */
  kind?: 'table' | 'image' | 'text';
  /** Named in errors, reports and label-noise seeds (default 'arrays'). */
  name?: string;
  split?: Split;
  /**
   * Tables: the per-feature mean and std the Batcher standardises with. 'computed' (default): from
   * these rows (pass the training set's to a test set); 'none': the Batcher serves raw values.
   */
  normalization?: 'computed' | 'none' | { mean: readonly number[]; std: readonly number[] };
  /** Known clean labels beside the trained `labels` (see `withCleanLabels`): the report then scores noise detection against them. */
  cleanLabels?: CleanLabels;
}

/**
 * A Dataset from arrays a user already has — a feature table (classification with `labels`,
 * regression with `targets`) or raw images — with stable ids, so it works with Batcher, label
 * noise, subsets and every plugin. Rejects non-finite values, naming the sample and feature.
 */
export function fromArrays(options: FromArraysOptions): Dataset {
  const { shape, name = 'arrays', split = 'train', featureNames } = options;
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new DatasetError('bad-argument', `shape ${JSON.stringify(shape)}`, { expected: 'the full shape, samples first, e.g. [n, features] or [n, h, w, c], every entry a positive integer' });
  }
  const n = shape[0]!;
  const sampleShape = shape.slice(1);
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (options.x.length !== n * size) throw new DatasetError('bad-argument', `x holds ${options.x.length} values`, { expected: `${n * size} for shape [${shape.join(', ')}]` });
  const kind = options.kind ?? (options.x instanceof Uint8Array && sampleShape.length === 3 ? 'image' : 'table');
  if (kind === 'image' && !(options.x instanceof Uint8Array && sampleShape.length === 3)) throw new DatasetError('bad-argument', 'kind image', { expected: 'a Uint8Array of pixels 0–255 and a shape [n, h, w, c]' });
  if (kind === 'text' && !(options.x instanceof Int32Array)) throw new DatasetError('bad-argument', 'kind text', { expected: 'an Int32Array of token ids' });
  const image = kind === 'image';
  const x = kind !== 'table' ? (options.x as Uint8Array | Int32Array) : options.x instanceof Float32Array ? options.x : Float32Array.from(options.x);
  if (kind === 'table') {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!)) {
        throw new DatasetError('bad-value', `x of sample ${Math.floor(i / size)} (row ${Math.floor(i / size)}), feature ${i % size}${featureNames?.[i % size] ? ` '${featureNames[i % size]}'` : ''} is ${x[i]}`, { expected: 'finite numbers' });
      }
    }
  }
  if ((options.labels === undefined) === (options.targets === undefined)) {
    throw new DatasetError('bad-argument', options.labels ? 'both labels and targets were given' : 'neither labels nor targets were given', { expected: 'labels (classification) or targets (regression)' });
  }
  const { ids, names } = idsOf(options.ids, n);
  let labels: Int32Array;
  let classNames: readonly string[];
  let targets: Float32Array | undefined;
  let targetSize: number | undefined;
  if (options.labels !== undefined) {
    if (options.labels.length !== n) throw new DatasetError('bad-argument', `${options.labels.length} labels for ${n} samples`, { expected: 'one label per sample' });
    ({ labels, classNames } = classLabels(Array.from(options.labels as ArrayLike<number | string>), options.classNames));
  } else {
    targets = options.targets instanceof Float32Array ? options.targets : Float32Array.from(options.targets!);
    if (targets.length === 0 || targets.length % n !== 0) throw new DatasetError('bad-argument', `${targets.length} targets for ${n} samples`, { expected: `n·k values (k targets per sample)` });
    targetSize = targets.length / n;
    const bad = targets.findIndex((t) => !Number.isFinite(t));
    if (bad >= 0) throw new DatasetError('bad-value', `target ${bad % targetSize} of sample ${Math.floor(bad / targetSize)} is ${targets[bad]}`, { expected: 'finite numbers' });
    labels = new Int32Array(n);
    classNames = [];
  }
  const dataset: Dataset = {
    name,
    split,
    kind,
    x,
    sampleShape,
    labels,
    ids,
    classNames,
    sources: [],
    ...(names ? { names } : {}),
    ...(targets ? { targets, targetSize } : {}),
    ...(featureNames ? { featureNames } : {}),
  };
  if (featureNames && !image && featureNames.length !== size) throw new DatasetError('bad-argument', `${featureNames.length} feature names for ${size} features`);
  const normalization = image ? imageNormalization(dataset) : kind === 'text' ? undefined : tableNormalization(dataset, options.normalization ?? 'computed');
  const normalized = normalization ? { ...dataset, normalization } : dataset;
  return options.cleanLabels ? withCleanLabels(normalized, options.cleanLabels) : normalized;
}

function idsOf(given: SampleIds | undefined, n: number): { ids: Int32Array; names?: readonly string[] } {
  if (given === undefined) return { ids: Int32Array.from({ length: n }, (_, i) => i) };
  if (given.length !== n) throw new DatasetError('bad-argument', `${given.length} ids for ${n} samples`, { expected: 'one id per sample' });
  if (given.length > 0 && typeof given[0] === 'string') {
    const names = Array.from(given as readonly string[]);
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      if (typeof name !== 'string') throw new DatasetError('bad-argument', `id ${i} is ${JSON.stringify(name)} among string ids`, { expected: 'all ids strings or all integers' });
      const first = seen.get(name);
      if (first !== undefined) throw new DatasetError('bad-argument', `id '${name}' names samples ${first} and ${i}`, { expected: 'distinct ids' });
      seen.set(name, i);
    });
    return { ids: Int32Array.from({ length: n }, (_, i) => i), names };
  }
  const ids = Int32Array.from(given as ArrayLike<number>);
  const seen = new Set<number>();
  ids.forEach((id, i) => {
    if (!(Number.isInteger((given as ArrayLike<number>)[i]) && id >= 0)) throw new DatasetError('bad-argument', `id ${i} is ${(given as ArrayLike<number>)[i]}`, { expected: 'non-negative integers (or strings, kept as names)' });
    if (seen.has(id)) throw new DatasetError('bad-argument', `id ${id} appears twice`, { expected: 'distinct ids' });
    seen.add(id);
  });
  return { ids };
}

/** Class indices from integer or string labels; string labels map through `classNames` (default: sorted). */
export function classLabels(values: readonly (number | string)[], classNames?: readonly string[]): { labels: Int32Array; classNames: readonly string[] } {
  if (values.every((v) => typeof v === 'number')) {
    const bad = values.findIndex((v) => !(Number.isInteger(v) && (v as number) >= 0));
    if (bad >= 0) throw new DatasetError('bad-value', `label of sample ${bad} is ${values[bad]}`, { expected: 'class indices 0, 1, … (or class names as strings)' });
    const classes = classNames?.length ?? Math.max(-1, ...(values as number[])) + 1;
    const over = values.findIndex((v) => (v as number) >= classes);
    if (over >= 0) throw new DatasetError('bad-value', `label of sample ${over} is ${values[over]}`, { expected: `a class index below ${classes} (${classNames?.length} class names)` });
    return { labels: Int32Array.from(values as number[]), classNames: classNames ?? Array.from({ length: classes }, (_, c) => String(c)) };
  }
  const names = classNames ?? [...new Set(values.map(String))].sort();
  const index = new Map(names.map((name, c) => [name, c]));
  const labels = Int32Array.from(values, (v, i) => {
    const c = index.get(String(v));
    if (c === undefined) throw new DatasetError('bad-value', `label of sample ${i} is '${v}'`, { expected: `one of the class names ${names.map((x) => `'${x}'`).join(', ')}` });
    return c;
  });
  return { labels, classNames: names };
}

function tableNormalization(dataset: Dataset, option: NonNullable<FromArraysOptions['normalization']>): Dataset['normalization'] {
  if (option === 'none') return undefined;
  const size = sampleSize(dataset);
  if (option !== 'computed') {
    if (option.mean.length !== size || option.std.length !== size) throw new DatasetError('bad-argument', `normalization has ${option.mean.length} means and ${option.std.length} stds`, { expected: `${size}, one per feature` });
    return { mean: [...option.mean], std: [...option.std] };
  }
  const n = sampleCount(dataset);
  const mean = new Array<number>(size).fill(0);
  const m2 = new Array<number>(size).fill(0);
  // Welford per feature: exact 0 std for a constant column, stable for large offsets.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < size; j++) {
      const v = dataset.x[i * size + j]!;
      const delta = v - mean[j]!;
      mean[j]! += delta / (i + 1);
      m2[j]! += delta * (v - mean[j]!);
    }
  }
  return { mean, std: m2.map((m) => Math.sqrt(m / Math.max(1, n))) };
}

/** Per-channel mean and population std of pixel/255, as the built-in image loaders keep them. */
export function imageNormalization(dataset: Pick<Dataset, 'x' | 'sampleShape'>): NonNullable<Dataset['normalization']> {
  const channels = dataset.sampleShape[dataset.sampleShape.length - 1]!;
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < dataset.x.length; i++) {
    const v = dataset.x[i]! / 255;
    sum[i % channels]! += v;
    squares[i % channels]! += v * v;
  }
  const count = dataset.x.length / channels;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(0, s / count - mean[c]! ** 2)) || 1);
  return { mean, std };
}

export interface CsvTableOptions {
  /** Named in errors and as the dataset name. */
  file?: string;
  /** The column of class labels (integers 0…C−1, or names). Default: a column named `label`, when neither this nor `target` is given. */
  label?: string;
  /** A column of known clean labels beside the trained ones (see `withCleanLabels`); it is not a feature. */
  cleanLabel?: string;
  /** The column(s) of regression targets. */
  target?: string | readonly string[];
  /** The column of sample ids (integers, or strings kept as names). Default: a column named `id`, if any. */
  id?: string;
  /** Feature columns, in this order. Default: every other column. */
  features?: readonly string[];
  classNames?: readonly string[];
  delimiter?: string;
  split?: Split;
  normalization?: FromArraysOptions['normalization'];
}

/**
 * A Dataset from a CSV table with a header line: feature columns, and a label column
 * (classification; names become classes) or target columns (regression). A missing value or a
 * non-numeric feature is an error naming the file, line and column.
 */
export function parseCsvTable(text: string, options: CsvTableOptions = {}): Dataset {
  const { file = 'table.csv', delimiter = ',' } = options;
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new DatasetError('malformed-line', 'empty file', { file, line: 1, expected: 'a header line naming the columns, then one row per sample' });
  const header = splitCsvLine(lines[0]!, delimiter, file, 1).map((c) => c.trim());
  const columnOf = (name: string, role: string): number => {
    const c = header.indexOf(name);
    if (c < 0) throw new DatasetError('malformed-line', `no ${role} column '${name}' in the header`, { file, line: 1, expected: `one of the columns ${header.join(', ')}` });
    return c;
  };
  const targetNames = options.target === undefined ? [] : typeof options.target === 'string' ? [options.target] : [...options.target];
  const labelName = options.label ?? (targetNames.length === 0 ? 'label' : undefined);
  if (labelName !== undefined && targetNames.length > 0) throw new DatasetError('bad-argument', 'both a label column and target columns were given', { expected: 'label (classification) or target (regression)' });
  if (labelName !== undefined && !header.includes(labelName) && options.label === undefined) {
    throw new DatasetError('malformed-line', "no column named 'label' in the header", { file, line: 1, expected: `say which column holds the labels (label: NAME) or the regression targets (target: NAME); columns: ${header.join(', ')}` });
  }
  const labelColumn = labelName !== undefined ? columnOf(labelName, 'label') : -1;
  const targetColumns = targetNames.map((name) => columnOf(name, 'target'));
  const idColumn = options.id !== undefined ? columnOf(options.id, 'id') : header.indexOf('id');
  const cleanColumn = options.cleanLabel !== undefined ? columnOf(options.cleanLabel, 'clean label') : -1;
  if (cleanColumn >= 0 && labelColumn < 0) throw new DatasetError('bad-argument', 'a clean-label column for a regression table', { expected: 'clean labels beside a label column (classification)' });
  const used = new Set([labelColumn, idColumn, cleanColumn, ...targetColumns]);
  const featureColumns = options.features ? options.features.map((name) => columnOf(name, 'feature')) : header.map((_, c) => c).filter((c) => !used.has(c));
  if (featureColumns.length === 0) throw new DatasetError('malformed-line', 'no feature columns', { file, line: 1, expected: 'at least one column besides the label, target and id columns' });

  const n = lines.length - 1;
  if (n === 0) throw new DatasetError('malformed-line', 'a header but no rows', { file, line: 2, expected: 'one row per sample under the header' });
  const x = new Float32Array(n * featureColumns.length);
  const targets = targetColumns.length ? new Float32Array(n * targetColumns.length) : undefined;
  const labelCells: string[] = [];
  const cleanCells: string[] = [];
  const idCells: string[] = [];
  const number = (cell: string, line: number, column: number, role: string): number => {
    const trimmed = cell.trim();
    if (trimmed === '') throw new DatasetError('bad-value', `missing ${role} value (${header[column]})`, { file, line, column: column + 1, expected: 'a number' });
    const value = Number(trimmed);
    if (!Number.isFinite(value) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
      throw new DatasetError('bad-value', `${role} ${header[column]} is ${JSON.stringify(trimmed)}`, { file, line, column: column + 1, expected: 'a finite number' });
    }
    return value;
  };
  for (let r = 0; r < n; r++) {
    const line = r + 2;
    const cells = splitCsvLine(lines[r + 1]!, delimiter, file, line);
    if (cells.length !== header.length) throw new DatasetError('malformed-line', `${cells.length} cells, the header has ${header.length}`, { file, line, column: Math.min(cells.length, header.length) + 1, expected: `${header.length} cells per row` });
    featureColumns.forEach((c, j) => (x[r * featureColumns.length + j] = number(cells[c]!, line, c, 'feature')));
    targetColumns.forEach((c, j) => (targets![r * targetColumns.length + j] = number(cells[c]!, line, c, 'target')));
    if (labelColumn >= 0) {
      const label = cells[labelColumn]!.trim();
      if (label === '') throw new DatasetError('bad-value', `missing label (${header[labelColumn]})`, { file, line, column: labelColumn + 1, expected: 'a class index or class name' });
      labelCells.push(label);
    }
    if (cleanColumn >= 0) {
      const clean = cells[cleanColumn]!.trim();
      if (clean === '') throw new DatasetError('bad-value', `missing clean label (${header[cleanColumn]})`, { file, line, column: cleanColumn + 1, expected: 'a class index or class name' });
      cleanCells.push(clean);
    }
    if (idColumn >= 0) {
      const id = cells[idColumn]!.trim();
      if (id === '') throw new DatasetError('bad-value', 'missing id', { file, line, column: idColumn + 1, expected: 'an id per row' });
      idCells.push(id);
    }
  }
  // With class names, a cell is a name or an index; without, integer labels stay class indices and any other label makes every label a class name.
  // Clean labels may name a class no trained label has, so the classes come from both columns.
  const bothColumns = [...labelCells, ...cleanCells];
  const names =
    options.classNames ??
    (cleanCells.length === 0 ? undefined : bothColumns.every((l) => /^\d+$/.test(l)) ? Array.from({ length: Math.max(...bothColumns.map(Number)) + 1 }, (_, c) => String(c)) : [...new Set(bothColumns)].sort());
  const labels =
    labelColumn < 0
      ? undefined
      : names
        ? labelCells.map((l, r) => {
            const c = names.includes(l) ? names.indexOf(l) : /^\d+$/.test(l) ? Number(l) : -1;
            if (c < 0 || c >= names.length) throw new DatasetError('bad-value', `label '${l}' is not a known class`, { file, line: r + 2, column: labelColumn + 1, expected: `one of ${names.join(', ')} (or an index below ${names.length})` });
            return c;
          })
        : labelCells.every((l) => /^\d+$/.test(l))
          ? labelCells.map(Number)
          : labelCells;
  const integerIds = idCells.every((id) => /^\d+$/.test(id) && Number(id) <= 0x7fffffff);
  let ids: SampleIds | undefined;
  if (idColumn >= 0) {
    ids = integerIds ? idCells.map(Number) : idCells;
    const seen = new Map<string, number>();
    idCells.forEach((id, r) => {
      const key = integerIds ? String(Number(id)) : id;
      const first = seen.get(key);
      if (first !== undefined) throw new DatasetError('bad-value', `id '${id}' also appears on line ${first}`, { file, line: r + 2, column: idColumn + 1, expected: 'distinct ids' });
      seen.set(key, r + 2);
    });
  }
  return fromArrays({
    x,
    shape: [n, featureColumns.length],
    ...(labels ? { labels } : { targets: targets! }),
    ...(ids ? { ids } : {}),
    ...(names ? { classNames: names } : {}),
    ...(cleanColumn >= 0 ? { cleanLabels: cleanCells } : {}),
    featureNames: featureColumns.map((c) => header[c]!),
    name: file.replace(/^.*[\\/]/, '').replace(/\.csv$/i, ''),
    split: options.split ?? 'train',
    ...(options.normalization ? { normalization: options.normalization } : {}),
  });
}

/** Splits one CSV line; double quotes group a cell (a doubled quote inside is a quote). */
function splitCsvLine(line: string, delimiter: string, file: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      cells.push(cell);
      cell = '';
      i += delimiter.length - 1;
    } else cell += ch;
  }
  if (quoted) throw new DatasetError('malformed-line', 'a quoted cell is not closed', { file, line: lineNo, column: cells.length + 1, expected: 'a closing double quote on the same line' });
  cells.push(cell);
  return cells;
}
