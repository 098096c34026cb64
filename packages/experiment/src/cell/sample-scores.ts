import type { Dataset } from '@mgdl/datasets';
import { aum, dataMaps, el2n, lastLoss, type Analysis, type Series } from '@mgdl/forgetting';
import type { KernelPlugin } from '@mgdl/kernel';
import { SAMPLE_TABLES } from '@mgdl/io';
import { galleryIds, gallerySelection, noiseDetection, sampleScoreRows, sampleScoresCsv, scoreById, type GalleryFile, type NoiseDetection, type RunWriter, type SampleScoreRow } from '@mgdl/report';

/** EL2N is an early-training score (Paul et al. score at epoch 20 of 200): the mean over at most this many first epochs. */
export const EL2N_EPOCHS = 20;

/**
 * The per-sample scores a cell records besides forgetting events: AUM, data-map confidence,
 * variability and correctness, EL2N (mean over the first EL2N_EPOCHS epochs) and the final loss,
 * all from the cell's series. scores.csv needs only EL2N's mean, so it keeps a running mean rather
 * than a score per epoch: the state every checkpoint saves stays a few numbers per sample.
 */
export function sampleScorePlugins(source: Series, epochs: number) {
  const early = Array.from({ length: Math.max(1, Math.min(EL2N_EPOCHS, epochs)) }, (_, i) => i + 1);
  const plugins = { aum: aum({ source }), dataMaps: dataMaps({ source }), el2n: el2n({ source, epochs: early, keep: 'mean' }), loss: lastLoss({ source }) };
  return { ...plugins, list: Object.values(plugins) as KernelPlugin[] };
}

/** One row per analysed training sample with its labels, noise flag and every score. */
export function cellScoreRows(trainSet: Dataset, analysis: Analysis, scores: ReturnType<typeof sampleScorePlugins>): SampleScoreRow[] {
  const position = new Map(Array.from(trainSet.ids, (id, i) => [id, i]));
  const a = scores.aum.result();
  const map = scores.dataMaps.result();
  const e = scores.el2n.recordedEpochs().length ? scores.el2n.result() : undefined;
  const noise = trainSet.noise;
  return sampleScoreRows({
    perSample: analysis.perSample,
    labelsOf: (id) => {
      const i = position.get(id);
      return i === undefined ? undefined : { label: trainSet.labels[i]!, clean: noise ? noise.cleanLabels[i]! : null, noisy: noise ? noise.noisy[i] === 1 : null };
    },
    aum: scoreById(a.ids, a.aum),
    confidence: scoreById(map.ids, map.confidence),
    variability: scoreById(map.ids, map.variability),
    correctness: scoreById(map.ids, map.correctness),
    el2n: scoreById(e?.ids, e?.score),
    finalLoss: scores.loss.values,
  });
}

/** The pixels (images) or text (token ids decoded) of the samples the report's gallery shows; tables get none. */
export function galleryOf(trainSet: Dataset, rows: readonly SampleScoreRow[]): GalleryFile | undefined {
  if (trainSet.kind === 'table') return undefined;
  const ids = galleryIds(gallerySelection(rows));
  const position = new Map(Array.from(trainSet.ids, (id, i) => [id, i]));
  const size = trainSet.sampleShape.reduce((a, b) => a * b, 1);
  const row = (i: number) => trainSet.x.subarray(i * size, (i + 1) * size);
  if (trainSet.kind === 'image') {
    const [h, w, c = 1] = trainSet.sampleShape;
    return {
      kind: 'image',
      classNames: [...trainSet.classNames],
      shape: [h!, w!, c],
      samples: ids.filter((id) => position.has(id)).map((id) => ({ id, pixels: Buffer.from(Uint8Array.from(row(position.get(id)!))).toString('base64') })),
    };
  }
  const tokens = trainSet.vocabulary?.tokens;
  return {
    kind: 'text',
    classNames: [...trainSet.classNames],
    samples: ids
      .filter((id) => position.has(id))
      .map((id) => ({ id, text: Array.from(row(position.get(id)!)).filter((t) => t !== 0).map((t) => tokens?.[t] ?? `#${t}`).join(' ') })),
  };
}

/** Writes samples/scores.csv and samples/gallery.json and returns the noise-detection result (when the run has noise). */
export function writeSampleScores(writer: RunWriter, trainSet: Dataset, analysis: Analysis, scores: ReturnType<typeof sampleScorePlugins>): NoiseDetection | undefined {
  const rows = cellScoreRows(trainSet, analysis, scores);
  writer.writeSamples(SAMPLE_TABLES.scores, sampleScoresCsv(rows));
  const gallery = galleryOf(trainSet, rows);
  if (gallery) writer.writeGallery(gallery);
  return noiseDetection(rows);
}
