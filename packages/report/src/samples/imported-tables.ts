import { SAMPLE_TABLES } from '@mgdl/io';
import type { TableSpec } from './csv-table.js';

/*
 * The per-sample tables `mgdl analyze` writes beside samples/forgetting.csv when it imports another
 * tool's history (a training run keeps the same scores in samples/scores.csv). Each is written with
 * `writeTable(dir, spec, rows)` and read with `readTable(spec, path)`.
 */

/** samples/data-map.csv: each sample's data-map coordinates (Swayamdipta et al.) and region. */
export interface DataMapRow {
  id: number;
  confidence: number;
  variability: number;
  correctness: number;
  region: string;
}

export const DATA_MAP_TABLE: TableSpec<DataMapRow> = {
  name: SAMPLE_TABLES.dataMap,
  columns: [
    { column: 'id', field: 'id', kind: 'integer' },
    { column: 'confidence', field: 'confidence', kind: 'number' },
    { column: 'variability', field: 'variability', kind: 'number' },
    { column: 'correctness', field: 'correctness', kind: 'number' },
    { column: 'region', field: 'region', kind: 'text' },
  ],
};

/** samples/ranking.csv: samples ranked by forgetting events, most forgotten first (never learned first of all). */
export interface RankingRow {
  rank: number;
  id: number;
  name: string;
  forgettingEvents: number;
  learningEvents: number;
  /** S1 never learned, S2 never forgotten, S3 forgotten at least once; '' for a sample never observed. */
  set: '' | 'S1' | 'S2' | 'S3';
}

export const RANKING_TABLE: TableSpec<RankingRow> = {
  name: SAMPLE_TABLES.ranking,
  columns: [
    { column: 'rank', field: 'rank', kind: 'integer' },
    { column: 'id', field: 'id', kind: 'integer' },
    { column: 'name', field: 'name', kind: 'text' },
    { column: 'forgetting_events', field: 'forgettingEvents', kind: 'integer' },
    { column: 'learning_events', field: 'learningEvents', kind: 'integer' },
    { column: 'set', field: 'set', kind: ['', 'S1', 'S2', 'S3'] },
  ],
};

/** samples/aum.csv: area under the margin (Pleiss et al.) and the epochs it is the mean over. */
export interface AumRow {
  id: number;
  aum: number;
  epochs: number;
}

export const AUM_TABLE: TableSpec<AumRow> = {
  name: SAMPLE_TABLES.aum,
  columns: [
    { column: 'id', field: 'id', kind: 'integer' },
    { column: 'aum', field: 'aum', kind: 'number' },
    { column: 'epochs', field: 'epochs', kind: 'integer' },
  ],
};

/** samples/el2n.csv: EL2N (Paul et al.) and the epochs it is the mean over. */
export interface El2nRow {
  id: number;
  el2n: number;
  epochs: number;
}

export const EL2N_TABLE: TableSpec<El2nRow> = {
  name: SAMPLE_TABLES.el2n,
  columns: [
    { column: 'id', field: 'id', kind: 'integer' },
    { column: 'el2n', field: 'el2n', kind: 'number' },
    { column: 'epochs', field: 'epochs', kind: 'integer' },
  ],
};

/** samples/names.csv: each id's name in the imported source. */
export interface NameRow {
  id: number;
  name: string;
}

export const NAMES_TABLE: TableSpec<NameRow> = {
  name: SAMPLE_TABLES.names,
  columns: [
    { column: 'id', field: 'id', kind: 'integer' },
    { column: 'name', field: 'name', kind: 'text' },
  ],
};
