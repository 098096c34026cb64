import { z } from 'zod';
import { readJsonFile } from '../run/read-json.js';
import type { SampleScoreRow } from './scores.js';

/*
 * samples/gallery.json: the raw content (pixels or text) of the few samples the report shows, so a
 * report needs neither the dataset nor its loader. The cell picks them with `gallerySelection`.
 */

const sampleSchema = z.object({
  id: z.number().int(),
  /** Images: the sample's uint8 pixels (HWC, 0–255) in base64. */
  pixels: z.string().optional(),
  /** Text: the tokens of the sample, as trained on. */
  text: z.string().optional(),
});

export const galleryFileSchema = z
  .object({
    kind: z.enum(['image', 'text']),
    classNames: z.array(z.string()),
    /** Images: [height, width, channels]. */
    shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).optional(),
    samples: z.array(sampleSchema),
  })
  .refine((g) => g.kind !== 'image' || g.shape !== undefined, 'an image gallery needs its shape');

export type GalleryFile = z.output<typeof galleryFileSchema>;
export type GallerySample = z.output<typeof sampleSchema>;

/** The JSON text of a gallery file; written with the run writer's `writeSamples`-like atomic write (see `writeGallery` in the cell). */
export function galleryJson(gallery: GalleryFile): string {
  galleryFileSchema.parse(gallery);
  return JSON.stringify(gallery) + '\n';
}

export const readGallery = (path: string): GalleryFile => readJsonFile(galleryFileSchema, path);

/** The groups of the gallery, in page order. */
export const GALLERY_GROUPS = [
  { key: 'mostForgotten', title: 'Most forgotten', note: 'S3 samples with the most forgetting events.' },
  { key: 'neverLearned', title: 'Never learned (S1)', note: 'never right in any step; lowest AUM first.' },
  { key: 'unforgettable', title: 'Unforgettable (S2)', note: 'learned and never forgotten; earliest learned first.' },
  { key: 'mostAmbiguous', title: 'Most ambiguous', note: 'highest data-map variability of p(true label).' },
] as const;

export type GalleryGroup = (typeof GALLERY_GROUPS)[number]['key'];

const byNumber = (get: (r: SampleScoreRow) => number | null, descending: boolean) => (a: SampleScoreRow, b: SampleScoreRow) => {
  const [x, y] = [get(a), get(b)];
  if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a.id - b.id;
  return (descending ? y - x : x - y) || a.id - b.id;
};

/**
 * The ids of each gallery group, at most `count` each, ties by id: the most-forgotten S3 samples,
 * the S1 samples (lowest AUM first), the S2 samples (earliest learned first) and the most variable
 * samples of the data map (only when the run has one).
 */
export function gallerySelection(rows: readonly SampleScoreRow[], count = 8): Record<GalleryGroup, number[]> {
  const take = (filter: (r: SampleScoreRow) => boolean, order: (a: SampleScoreRow, b: SampleScoreRow) => number) =>
    rows
      .filter(filter)
      .sort(order)
      .slice(0, count)
      .map((r) => r.id);
  return {
    mostForgotten: take((r) => r.set === 3, byNumber((r) => r.forgetting, true)),
    neverLearned: take((r) => r.set === 1, byNumber((r) => r.aum, false)),
    unforgettable: take((r) => r.set === 2, byNumber((r) => r.firstLearned, false)),
    mostAmbiguous: take((r) => r.variability !== null, byNumber((r) => r.variability, true)),
  };
}

/** Every id any group shows, ascending and without repeats: the samples a gallery file must hold. */
export const galleryIds = (selection: Record<GalleryGroup, number[]>): number[] => [...new Set(Object.values(selection).flat())].sort((a, b) => a - b);

let png: Promise<typeof import('fast-png')> | undefined;

/**
 * A PNG data URI of one sample's pixels, scaled up by whole pixels to about `size` px (nearest
 * neighbour; 0 keeps the native size, smallest in bytes, for CSS to scale with
 * `image-rendering: pixelated`). fast-png is loaded on first use.
 */
export async function thumbnailDataUri(pixels: Uint8Array, [height, width, channels]: readonly [number, number, number], size = 64): Promise<string> {
  if (pixels.length !== height * width * channels) throw new RangeError(`${pixels.length} bytes for a ${height}×${width}×${channels} image`);
  if (![1, 3, 4].includes(channels)) throw new RangeError(`thumbnails need 1, 3 or 4 channels, got ${channels}`);
  png ??= import('fast-png');
  const { encode } = await png;
  const zoom = Math.max(1, Math.floor(size / Math.max(height, width)));
  const [h, w] = [height * zoom, width * zoom];
  const data = new Uint8Array(h * w * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (Math.floor(y / zoom) * width + Math.floor(x / zoom)) * channels;
      data.set(pixels.subarray(from, from + channels), (y * w + x) * channels);
    }
  }
  const bytes = encode({ width: w, height: h, data, channels, depth: 8 });
  return `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
}
