import type { Dataset } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { datasetNames } from '../sources/registry.js';
import { loadCifar10 } from './cifar10.js';
import { loadFashionMnist, loadMnist } from './idx-images.js';
import { loadTrec, type TrecOptions } from './trec.js';

/** Any known dataset by name (`mnist`, `fashion-mnist`, `cifar-10`, `trec`); TREC options apply to TREC only. */
export async function loadDataset(name: string, options: TrecOptions = {}): Promise<Dataset> {
  switch (name) {
    case 'mnist':
      return loadMnist(options);
    case 'fashion-mnist':
      return loadFashionMnist(options);
    case 'cifar-10':
      return loadCifar10(options);
    case 'trec':
      return loadTrec(options);
    default:
      throw new DatasetError('unknown-dataset', `unknown dataset '${name}'`, { expected: `one of ${datasetNames.join(', ')}` });
  }
}
