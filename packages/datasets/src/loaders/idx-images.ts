import type { Dataset, Split } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { maybeGunzip } from '../formats/gzip.js';
import { parseIdx } from '../formats/idx.js';
import { openFiles } from '../sources/open.js';
import type { SourceOptions } from '../sources/places.js';
import { fashionMnistSpec, mnistSpec } from '../sources/registry.js';

export interface SplitOptions extends SourceOptions {
  split?: Split;
}

const mnistClasses = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const fashionClasses = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

// Mean and standard deviation of pixel/255 over each training split (the values torchvision users use).
const mnistNormalization = { mean: [0.1307], std: [0.3081] };
const fashionNormalization = { mean: [0.286], std: [0.353] };

/** MNIST: 60,000 train / 10,000 test 28×28 grey digits, from the IDX files (gzip'd or not). */
export function loadMnist(options: SplitOptions = {}): Promise<Dataset> {
  return loadIdxImages('mnist', mnistClasses, mnistNormalization, options);
}

/** Fashion-MNIST: the same layout as MNIST, ten clothing classes. */
export function loadFashionMnist(options: SplitOptions = {}): Promise<Dataset> {
  return loadIdxImages('fashion-mnist', fashionClasses, fashionNormalization, options);
}

async function loadIdxImages(
  name: 'mnist' | 'fashion-mnist',
  classNames: readonly string[],
  normalization: Dataset['normalization'],
  { split = 'train', ...options }: SplitOptions,
): Promise<Dataset> {
  const spec = name === 'mnist' ? mnistSpec : fashionMnistSpec;
  const { sources, bytes } = await openFiles(spec, [`${split}-images`, `${split}-labels`], options);
  const [imageSource, labelSource] = sources as [(typeof sources)[0], (typeof sources)[0]];
  const images = parseIdx(maybeGunzip(bytes.get(`${split}-images`)!, imageSource.path), imageSource.path);
  const labels = parseIdx(maybeGunzip(bytes.get(`${split}-labels`)!, labelSource.path), labelSource.path);
  if (images.dims.length !== 3) {
    throw new DatasetError('bad-value', `images have ${images.dims.length} dimensions`, { file: imageSource.path, offset: 3, expected: '3 (count, rows, columns)' });
  }
  if (labels.dims.length !== 1) {
    throw new DatasetError('bad-value', `labels have ${labels.dims.length} dimensions`, { file: labelSource.path, offset: 3, expected: '1 (count)' });
  }
  const [count, rows, columns] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DatasetError('record-size', `${labels.dims[0]} labels for ${count} images`, {
      file: labelSource.path,
      offset: 4,
      expected: `as many labels as images in ${imageSource.path}`,
    });
  }
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i]!;
    if (label >= classNames.length) {
      throw new DatasetError('bad-value', `label ${label}`, { file: labelSource.path, offset: 8 + i, expected: `a class index below ${classNames.length}` });
    }
    y[i] = label;
  }
  return {
    name,
    split,
    kind: 'image',
    x: images.data,
    sampleShape: [rows, columns, 1],
    labels: y,
    ids: Int32Array.from({ length: count }, (_, i) => i),
    classNames,
    normalization,
    sources,
  };
}
