import { eventPass, SampleIndex, withRoom, type History } from '@mgdl/forgetting';
import type { EventFileWriter } from '../tensorboard/index.js';

/**
 * Per-sample values of the current epoch for the TensorBoard histograms: loss and margin of each
 * sample's latest presentation, and, from the `forgetting` history, each sample's forgetting events
 * so far (right → wrong between observations), for the samples observed so far. Samples are kept
 * by position in one index for the whole run, so a batch costs an array write per sample.
 */
export function perSampleHistograms(forgetting: (() => History) | undefined) {
  const index = new SampleIndex();
  const loss = new EpochLatest();
  const margin = new EpochLatest();
  /** The finite values the epoch's histograms show, in the order their samples first arrived in it. */
  const epochValues = () => ({ loss: loss.finiteValues(), margin: margin.finiteValues() });
  return {
    observe(event: { ids: Int32Array; loss?: Float32Array; margin?: Float32Array }) {
      if (!event.loss && !event.margin) return;
      const positions = index.add(event.ids);
      if (event.loss) loss.observe(positions, event.loss, index.capacity);
      if (event.margin) margin.observe(positions, event.margin, index.capacity);
    },
    epochValues,
    /** Writes the epoch's histograms and starts the next epoch. */
    write(file: EventFileWriter, step: number) {
      const values = epochValues();
      // A series observed this epoch gets its histogram even when none of its values is finite.
      if (loss.count) file.histogram('per_sample/loss', values.loss, step);
      if (margin.count) file.histogram('per_sample/margin', values.margin, step);
      const counts = forgetting ? forgettingEventsSoFar(forgetting()) : [];
      if (counts.length) {
        // One bucket per count: forgetting counts are small integers.
        file.histogram('per_sample/forgetting_events', counts, step, { buckets: Math.max(1, Math.min(50, Math.max(...counts) - Math.min(...counts))) });
      }
      if (loss.count || margin.count || counts.length) file.flush();
      loss.startEpoch();
      margin.startEpoch();
    },
  };
}

/**
 * Each sample's latest value in the current epoch, by position, listed in the order the samples
 * first arrived in the epoch: a Map's order, so the histogram adds the same numbers in the same order.
 */
class EpochLatest {
  /** Samples with a value this epoch. */
  count = 0;
  private latest = new Float32Array(0);
  /** The epoch (`epoch`) a position last got a value in; 0 for never. */
  private seenIn = new Uint32Array(0);
  /** Positions with a value this epoch, in the order they first got one. */
  private order = new Int32Array(0);
  private epoch = 1;

  observe(positions: Int32Array, values: Float32Array, capacity: number): void {
    if (this.latest.length < capacity) this.grow(capacity);
    const { latest, seenIn, order, epoch } = this;
    for (let i = 0; i < positions.length; i++) {
      const position = positions[i]!;
      if (seenIn[position] !== epoch) {
        seenIn[position] = epoch;
        order[this.count++] = position;
      }
      latest[position] = values[i]!;
    }
  }

  finiteValues(): number[] {
    const values: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const value = this.latest[this.order[k]!]!;
      if (Number.isFinite(value)) values.push(value);
    }
    return values;
  }

  startEpoch(): void {
    this.count = 0;
    this.epoch++;
  }

  private grow(capacity: number): void {
    this.latest = withRoom(this.latest, capacity);
    this.seenIn = withRoom(this.seenIn, capacity);
    this.order = withRoom(this.order, capacity);
  }
}

/** Each observed sample's forgetting events, as @mgdl/forgetting counts them (Toneva's "not learned" start). */
function forgettingEventsSoFar(history: History): number[] {
  if (history.steps === 0) return [];
  const events = eventPass(history).perSample.forgettingEvents;
  const observed = history.observedWords();
  const seen = new Uint32Array(history.rowWords);
  for (let w = 0; w < observed.length; w++) seen[w % history.rowWords]! |= observed[w]!;
  return Array.from(events).filter((_, p) => (seen[p >>> 5]! >>> (p & 31)) & 1);
}
