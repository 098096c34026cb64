import type { Dataset } from '../dataset.js';
import { parseCifarBatch } from '../formats/cifar.js';
import { openFiles } from '../sources/open.js';
import { cifar10Spec } from '../sources/registry.js';
import type { SplitOptions } from './idx-images.js';

const classNames = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * CIFAR-10 (binary version): 50,000 train images in five batches, 10,000 test, 32×32 RGB, read from
 * the `.bin` batches or straight from `cifar-10-binary.tar.gz`.
 */
export async function loadCifar10({ split = 'train', ...options }: SplitOptions = {}): Promise<Dataset> {
  const ids = split === 'train' ? ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'] : ['test_batch'];
  const { sources, bytes } = await openFiles(cifar10Spec, ids, options);
  const batches = sources.map((source) => parseCifarBatch(bytes.get(source.id)!, source.member ? `${source.path}:${source.member}` : source.path));
  const count = batches.reduce((sum, b) => sum + b.labels.length, 0);
  const x = new Uint8Array(count * 32 * 32 * 3);
  const labels = new Int32Array(count);
  let offset = 0;
  for (const batch of batches) {
    x.set(batch.images, offset * 32 * 32 * 3);
    labels.set(batch.labels, offset);
    offset += batch.labels.length;
  }
  return {
    name: 'cifar-10',
    split,
    kind: 'image',
    x,
    sampleShape: [32, 32, 3],
    labels,
    ids: Int32Array.from({ length: count }, (_, i) => i),
    classNames,
    normalization: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
    sources,
  };
}
