import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Dataset, Split } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { withCleanLabels, type CleanLabels } from '../noise.js';
import { imageNormalization, parseCsvTable, type CsvTableOptions } from '../tables.js';

/** Reads a CSV table from disk (see parseCsvTable); errors name the file, line and column. */
export function readCsvTable(path: string, options: Omit<CsvTableOptions, 'file'> = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError('not-found', `cannot read the table: ${(error as Error).message}`, { file: path });
  }
  return parseCsvTable(text, { ...options, file: path });
}

export interface ImageFolderOptions {
  /** [height, width] every image must have (or is resized to, with `resize`). Default: the first image's size. */
  size?: readonly [number, number];
  /** 1: grayscale (ITU-R 601-2 luma, as PIL's convert('L')); 3: RGB (default). Alpha is dropped. */
  channels?: 1 | 3;
  /** Resize images of another size to `size` (default false: such an image is an error naming it). */
  resize?: false | 'nearest' | 'bilinear';
  split?: Split;
  /** Default: the folder's name. */
  name?: string;
  /** Known clean labels beside the folders' (see `withCleanLabels`), e.g. a Map from 'cat/001.png' to 'dog'. */
  cleanLabels?: CleanLabels;
}

const IMAGE = /\.(png|jpe?g)$/i;

/**
 * Images in torchvision's ImageFolder layout, `root/<class>/<file>.png|jpg`: classes are the
 * sub-folders in sorted order, samples the image files of each (nested folders included) in
 * ImageFolder's order, ids 0…n−1 in that
 * order, and `names` the paths relative to `root` ('cat/001.png'). Decoded in pure JavaScript
 * (pngjs, jpeg-js); files with other extensions are skipped, as ImageFolder does.
 */
export function loadImageFolder(root: string, { size, channels = 3, resize = false, split = 'train', name = basename(root), cleanLabels }: ImageFolderOptions = {}): Dataset {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch (error) {
    throw new DatasetError('not-found', `cannot read the image folder: ${(error as Error).message}`, { file: root, expected: 'a folder with one sub-folder of images per class (root/<class>/*.png|jpg)' });
  }
  const classNames = entries.filter((entry) => statSync(join(root, entry)).isDirectory());
  if (classNames.length === 0) throw new DatasetError('not-found', 'no class folders', { file: root, expected: 'one sub-folder of images per class (root/<class>/*.png|jpg)' });
  const files = classNames.flatMap((className, label) => {
    const images = imagesUnder(root, className);
    if (images.length === 0) throw new DatasetError('not-found', `class folder '${className}' holds no .png or .jpg file`, { file: join(root, className) });
    return images.map((name) => ({ path: join(root, name), name, label }));
  });
  if (channels !== 1 && channels !== 3) throw new DatasetError('bad-argument', `channels ${String(channels)}`, { expected: '1 or 3' });
  let target = size;
  let x: Uint8Array | undefined;
  files.forEach((file, i) => {
    const image = decodeImage(file.path);
    target ??= [image.height, image.width];
    const [h, w] = target;
    x ??= new Uint8Array(files.length * h * w * channels);
    let rgba = image;
    if (image.height !== h || image.width !== w) {
      if (!resize) throw new DatasetError('bad-image', `image is ${image.height}×${image.width}`, { file: file.path, expected: `${h}×${w} like the others (or pass resize: 'bilinear' or 'nearest')` });
      rgba = resizeRgba(image, h, w, resize);
    }
    const out = x.subarray(i * h * w * channels, (i + 1) * h * w * channels);
    for (let p = 0; p < h * w; p++) {
      const r = rgba.data[4 * p]!;
      const g = rgba.data[4 * p + 1]!;
      const b = rgba.data[4 * p + 2]!;
      if (channels === 1) out[p] = Math.floor((r * 299 + g * 587 + b * 114) / 1000);
      else out.set([r, g, b], 3 * p);
    }
  });
  const sampleShape = [target![0], target![1], channels];
  const dataset: Dataset = {
    name,
    split,
    kind: 'image',
    x: x!,
    sampleShape,
    labels: Int32Array.from(files, (f) => f.label),
    ids: Int32Array.from(files, (_, i) => i),
    names: files.map((f) => f.name),
    classNames,
    normalization: imageNormalization({ x: x!, sampleShape }),
    sources: [],
  };
  return cleanLabels ? withCleanLabels(dataset, cleanLabels) : dataset;
}

/**
 * Image files under root/<folder>, recursively, as paths relative to root, in torchvision's order:
 * folders sorted by path (as `sorted(os.walk(…))`), files sorted within each.
 */
function imagesUnder(root: string, folder: string): string[] {
  const folders: { path: string; files: string[] }[] = [];
  const walk = (relative: string) => {
    const entries = readdirSync(join(root, relative));
    folders.push({ path: relative, files: entries.filter((e) => IMAGE.test(e) && statSync(join(root, relative, e)).isFile()).sort() });
    for (const entry of entries) if (statSync(join(root, relative, entry)).isDirectory()) walk(`${relative}/${entry}`);
  };
  walk(folder);
  return folders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).flatMap((f) => f.files.map((file) => `${f.path}/${file}`));
}

interface Rgba {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major. */
  data: Uint8Array;
}

/** Decodes a PNG (any bit depth, palette, interlace: pngjs scales to 8-bit RGBA) or a baseline/progressive JPEG. */
export function decodeImage(path: string): Rgba {
  const bytes = readFileSync(path);
  const png = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const jpg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (png) {
      const image = PNG.sync.read(bytes);
      return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
    }
    if (jpg) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: image.width, height: image.height, data: image.data };
    }
  } catch (error) {
    throw new DatasetError('bad-image', `cannot decode the ${png ? 'PNG' : 'JPEG'}: ${(error as Error).message}`, { file: path });
  }
  throw new DatasetError('bad-image', 'neither a PNG nor a JPEG (no PNG signature, no JPEG start-of-image marker)', { file: path, expected: 'a .png or .jpg image' });
}

/** Resizes RGBA pixels: nearest neighbour, or bilinear with pixel centres aligned (half-pixel offsets). */
function resizeRgba(image: Rgba, height: number, width: number, mode: 'nearest' | 'bilinear'): Rgba {
  const data = new Uint8Array(height * width * 4);
  const sy = image.height / height;
  const sx = image.width / width;
  const at = (y: number, x: number, c: number) => image.data[(y * image.width + x) * 4 + c]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let value: number;
        if (mode === 'nearest') {
          value = at(Math.min(image.height - 1, Math.floor((y + 0.5) * sy)), Math.min(image.width - 1, Math.floor((x + 0.5) * sx)), c);
        } else {
          const fy = Math.max(0, Math.min(image.height - 1, (y + 0.5) * sy - 0.5));
          const fx = Math.max(0, Math.min(image.width - 1, (x + 0.5) * sx - 0.5));
          const y0 = Math.floor(fy);
          const x0 = Math.floor(fx);
          const y1 = Math.min(image.height - 1, y0 + 1);
          const x1 = Math.min(image.width - 1, x0 + 1);
          const dy = fy - y0;
          const dx = fx - x0;
          value = (at(y0, x0, c) * (1 - dx) + at(y0, x1, c) * dx) * (1 - dy) + (at(y1, x0, c) * (1 - dx) + at(y1, x1, c) * dx) * dy;
        }
        data[(y * width + x) * 4 + c] = Math.round(value);
      }
    }
  }
  return { width, height, data };
}
