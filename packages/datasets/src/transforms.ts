import { sampleCount, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

/**
 * Pads images with black borders to `height`×`width`, centred (28×28 → 32×32 adds 2 pixels on each
 * side), so the Five-layer CNN, built for 32×32, runs on (Fashion-)MNIST. Padding happens on raw
 * pixels, before normalisation, as torchvision's `Pad` before `Normalize` does.
 */
export function padImages(dataset: Dataset, height = 32, width = 32): Dataset {
  if (dataset.kind !== 'image') throw new DatasetError('bad-argument', `cannot pad '${dataset.name}': it is not an image dataset`);
  const [h, w, c] = dataset.sampleShape as [number, number, number];
  if (height < h || width < w) throw new DatasetError('bad-argument', `cannot pad ${h}×${w} images to ${height}×${width}`, { expected: 'a size at least as large' });
  const top = Math.floor((height - h) / 2);
  const left = Math.floor((width - w) / 2);
  const n = sampleCount(dataset);
  const x = new Uint8Array(n * height * width * c);
  for (let i = 0; i < n; i++) {
    for (let row = 0; row < h; row++) {
      const from = ((i * h + row) * w) * c;
      x.set(dataset.x.subarray(from, from + w * c), ((i * height + row + top) * width + left) * c);
    }
  }
  return { ...dataset, x, sampleShape: [height, width, c] };
}
