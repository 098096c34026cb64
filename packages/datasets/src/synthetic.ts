import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@mgdl/random';
import { encodeIdx, encodeTrec, gzip } from './formats/encode.js';
import { TREC_FINE_LABELS } from './formats/trec.js';

export type SyntheticDatasetName = 'mnist' | 'fashion-mnist' | 'trec';

export interface SyntheticCounts {
  train: number;
  test: number;
}

/**
 * Writes a small dataset with random, learnable content in the published on-disk format under
 * `root/<name>/` — MNIST and Fashion-MNIST as gzip'd IDX files (each class a bright band of rows
 * over noise), TREC as latin-1 `.label` files (each coarse class its own words) — so smoke tests and
 * demos run the real loaders without the real files. Their checksums are not the published ones:
 * load them with `verify: false` or `MGDL_VERIFY=0`. Returns the dataset's folder.
 */
export function writeSyntheticDataset(root: string, name: SyntheticDatasetName, counts: SyntheticCounts, seed = 0): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const random = createRandom(seed);
  for (const [split, count] of [['train', counts.train], ['test', counts.test]] as const) {
    if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`writeSyntheticDataset: ${split} count must be a positive integer, got ${count}`);
    if (name === 'trec') writeFileSync(join(dir, split === 'train' ? 'train_5500.label' : 'TREC_10.label'), encodeTrec(trecRows(count, random)));
    else writeIdxSplit(dir, split === 'train' ? 'train' : 't10k', count, random);
  }
  return dir;
}

/**
 * `dataDir` when it holds a folder for every named dataset; otherwise a new temporary folder with
 * synthetic ones (`synthetic: true`: load them with `MGDL_VERIFY=0`). For smoke tests that use the
 * real data where it exists and still run where it does not.
 */
export function dataDirOrSynthetic(dataDir: string, names: readonly SyntheticDatasetName[], counts: SyntheticCounts): { dir: string; synthetic: boolean } {
  if (names.every((name) => existsSync(join(dataDir, name)))) return { dir: dataDir, synthetic: false };
  const dir = mkdtempSync(join(tmpdir(), 'mgdl-synthetic-data-'));
  for (const name of names) writeSyntheticDataset(dir, name, counts);
  return { dir, synthetic: true };
}

function writeIdxSplit(dir: string, prefix: string, count: number, random: () => number): void {
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const images = new Uint8Array(count * 28 * 28);
  labels.forEach((label, i) => {
    for (let p = 0; p < 28 * 28; p++) {
      const row = Math.floor(p / 28);
      const band = row >= 2 + 2 * label && row < 4 + 2 * label;
      images[i * 784 + p] = Math.floor(random() * 96) + (band ? 150 : 0);
    }
  });
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzip(encodeIdx([count, 28, 28], images)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzip(encodeIdx([count], labels)));
}

const COMMON_WORDS = ['what', 'is', 'the', 'of', 'a', 'in', 'how', 'who', 'was', 'did'];

function trecRows(count: number, random: () => number): { label: string; text: string }[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const label = TREC_FINE_LABELS[(i * 7) % TREC_FINE_LABELS.length]!;
    const coarse = label.slice(0, label.indexOf(':')).toLowerCase();
    const words = Array.from({ length: 4 + Math.floor(random() * 6) }, (_, k) => (k % 2 === 0 ? `${coarse}${Math.floor(random() * 5)}` : pick(COMMON_WORDS)));
    return { label, text: `${words.join(' ')} ?` };
  });
}
