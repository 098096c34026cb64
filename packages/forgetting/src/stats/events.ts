import type { History } from '../history.js';
import { forEachBit, popcount } from './bits.js';

/** The state before the first step: Toneva's "not learned" (default), or the first observation itself (no event at step 0). */
export type InitialState = 'unlearned' | 'first-observation';

/** Per-sample results, by position in the history (ids[position] is the sample id). */
export interface SampleStats {
  ids: Int32Array;
  learningEvents: Int32Array;
  forgettingEvents: Int32Array;
  /** Step of the first learning event (first correct step), −1 if never. */
  firstLearned: Int32Array;
  /** Step from which the sample stays correct to the end, −1 if it ends incorrect. */
  learnedForGood: Int32Array;
  /** Step of the first forgetting event (entry into S3), −1 if never. */
  firstForgotten: Int32Array;
  finalCorrect: Uint8Array;
  /** 1 = S1 (never learned), 2 = S2 (learned, never forgotten), 3 = S3 (learned and forgotten). */
  set: Uint8Array;
}

/** Per step t, over S3(t) (samples forgotten at least once up to t), within one group of samples. */
export interface ScaleTrace {
  s3: Int32Array;
  /** Of S3(t), how many are correct at t. */
  correctInS3: Int32Array;
}

export interface EventPass {
  perSample: SampleStats;
  system: ScaleTrace;
  /** One trace per group, when groups were given. */
  groups?: ScaleTrace[];
}

/**
 * One pass over the bit-packed history, 32 samples per word operation: learning events are
 * ¬prev ∧ cur, forgetting events prev ∧ ¬cur; S3(t) grows by the forgetting events, and M(t)'s
 * numerator is popcount(S3(t) ∧ row t). Per-sample work is proportional to the events only, and
 * per-group traces to |S3(t)|, so a million samples × 200 steps takes well under a second.
 */
export function eventPass(history: History, { initial = 'unlearned', mask, groupOf, groupCount = 0 }: { initial?: InitialState; mask?: Uint32Array; groupOf?: Int32Array; groupCount?: number } = {}): EventPass {
  const n = history.samples;
  const steps = history.steps;
  const rowWords = history.rowWords;
  const words = history.words();
  const perSample: SampleStats = {
    ids: history.ids,
    learningEvents: new Int32Array(n),
    forgettingEvents: new Int32Array(n),
    firstLearned: new Int32Array(n).fill(-1),
    learnedForGood: new Int32Array(n).fill(-1),
    firstForgotten: new Int32Array(n).fill(-1),
    finalCorrect: new Uint8Array(n),
    set: new Uint8Array(n),
  };
  const lastLearned = new Int32Array(n).fill(-1);
  const system: ScaleTrace = { s3: new Int32Array(steps), correctInS3: new Int32Array(steps) };
  const groups = groupOf ? Array.from({ length: groupCount }, () => ({ s3: new Int32Array(steps), correctInS3: new Int32Array(steps) })) : undefined;
  const s3 = new Uint32Array(rowWords);
  // Bits past the last sample are zero in every row, so they never produce events.
  for (let t = 0; t < steps; t++) {
    const row = t * rowWords;
    let s3Count = 0;
    let s3Correct = 0;
    for (let w = 0; w < rowWords; w++) {
      const keep = mask ? mask[w]! : 0xffffffff;
      const cur = words[row + w]! & keep;
      const prev = t > 0 ? words[row - rowWords + w]! & keep : initial === 'unlearned' ? 0 : cur;
      const learned = ~prev & cur;
      const forgotten = prev & ~cur;
      if (learned !== 0) {
        forEachBit(learned, w, (p) => {
          perSample.learningEvents[p]!++;
          if (perSample.firstLearned[p] === -1) perSample.firstLearned[p] = t;
          lastLearned[p] = t;
        });
      }
      if (t === 0 && initial === 'first-observation' && cur !== 0) {
        forEachBit(cur, w, (p) => {
          perSample.firstLearned[p] = 0;
          lastLearned[p] = 0;
        });
      }
      if (forgotten !== 0) {
        forEachBit(forgotten, w, (p) => {
          perSample.forgettingEvents[p]!++;
          if (perSample.firstForgotten[p] === -1) perSample.firstForgotten[p] = t;
        });
        s3[w]! |= forgotten;
      }
      const inS3 = s3[w]!;
      if (inS3 !== 0) {
        s3Count += popcount(inS3);
        s3Correct += popcount(inS3 & cur);
        if (groups) {
          forEachBit(inS3, w, (p) => {
            const g = groupOf![p]!;
            if (g < 0) return;
            groups[g]!.s3[t]!++;
            if ((cur >>> (p & 31)) & 1) groups[g]!.correctInS3[t]!++;
          });
        }
      }
    }
    system.s3[t] = s3Count;
    system.correctInS3[t] = s3Correct;
  }
  const lastRow = (steps - 1) * rowWords;
  for (let p = 0; p < n; p++) {
    const included = !mask || (mask[p >> 5]! >>> (p & 31)) & 1;
    if (!included) continue;
    const final = steps > 0 ? (words[lastRow + (p >> 5)]! >>> (p & 31)) & 1 : 0;
    perSample.finalCorrect[p] = final;
    if (final) perSample.learnedForGood[p] = lastLearned[p]!;
    perSample.set[p] = perSample.firstLearned[p] === -1 ? 1 : perSample.forgettingEvents[p]! > 0 ? 3 : 2;
  }
  return { perSample, system, ...(groups ? { groups } : {}) };
}
