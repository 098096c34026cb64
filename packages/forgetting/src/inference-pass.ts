import type { RunStartInfo } from './kernel-shape.js';

/** Throws, before training, when a per-sample plugin of the inference-pass series is given a run without one. */
export function requireInferencePass(info: RunStartInfo, plugin: string, alternative: string): void {
  if (info.inferencePass) return;
  throw new Error(
    `${plugin} records the 'inference-pass' series, but this run has no inference pass, so it would record nothing: ` +
      `pass train({ inferencePass: { data: new Batcher(trainSet, { batchSize: 500, shuffle: false }) } }), or record each batch's presentation with ${alternative}`,
  );
}
