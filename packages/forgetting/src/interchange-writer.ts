import { closeSync, fsyncSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { HistoryError } from './errors.js';
import type { Series } from './history.js';
import { interchangeHeader } from './import/formats.js';
import { requireInferencePass } from './inference-pass.js';
import type { PerSampleEvent, PerSamplePlugin } from './kernel-shape.js';

export interface InterchangeWriterOptions {
  /** The JSONL file to write (created, or continued on a resume). */
  file: string;
  /** Which forward passes to log: each batch's ('presentation', default) or the inference pass after each epoch. */
  series?: Series;
  /** Names to write instead of the integer ids (`names[i]` for the sample with id `ids[i]`), e.g. a dataset's file names. */
  names?: { ids: Int32Array; names: readonly string[] };
}

export interface InterchangeWriter extends PerSamplePlugin {
  /** Records written so far. */
  records(): number;
}

/** float32 values round-trip through 9 significant digits; fewer bytes than the shortest double. */
const compact = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(9)) : null);

/**
 * A kernel plugin that writes mgdl's interchange JSONL (the format `readDynamics` and
 * `mgdl analyze` read): one `{id, step, label, logits}` record per sample per epoch, `step` being
 * the 0-based epoch. Every analysis of an imported log then applies to the kernel's own runs.
 * Resumable: the checkpoint keeps the file's length, and a resume cuts what was written after it.
 */
export function interchangeWriter({ file, series = 'presentation', names }: InterchangeWriterOptions): InterchangeWriter {
  const nameOf = names ? new Map(Array.from(names.ids, (id, i) => [id, names.names[i]!])) : undefined;
  let fd: number | undefined;
  let bytes = 0;
  let records = 0;
  const write = (text: string) => {
    bytes += writeSync(fd!, text);
  };
  const log = (event: PerSampleEvent) => {
    if (!event.logits || !event.labels) throw new Error(`interchangeWriter(${file}) needs the logits of a classification loss`);
    const classes = event.logits.length / event.ids.length;
    let text = '';
    for (let i = 0; i < event.ids.length; i++) {
      const id = nameOf?.get(event.ids[i]!) ?? event.ids[i]!;
      const logits = Array.from(event.logits.subarray(i * classes, (i + 1) * classes), compact);
      text += `${JSON.stringify({ id, step: event.epoch, label: event.labels[i]!, logits })}\n`;
    }
    records += event.ids.length;
    write(text);
  };
  const close = () => {
    if (fd === undefined) return;
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  };
  return {
    name: `interchange-writer:${series}`,
    logits: true,
    onRunStart(info) {
      if (series === 'inference-pass') requireInferencePass(info, 'interchangeWriter', "interchangeWriter({ file, series: 'presentation' })");
      if (!info.resumed) {
        fd = openSync(file, 'w');
        bytes = 0;
        records = 0;
        write(`${interchangeHeader(series)}\n`);
        return;
      }
      const size = statSafe(file);
      if (size < bytes) throw new HistoryError(`${size < 0 ? 'the file is missing' : `the file has ${size} bytes`}, the checkpoint recorded ${bytes}: it was changed or removed since`, { file }, 'delete the checkpoint to start the run over');
      truncateSync(file, bytes); // records after the checkpoint are written again by the resumed run
      fd = openSync(file, 'a');
    },
    onBatchEnd: series === 'presentation' ? log : undefined,
    onInferencePass: series === 'inference-pass' ? log : undefined,
    onCheckpoint() {
      if (fd !== undefined) fsyncSync(fd);
    },
    onRunEnd: close,
    onRunError: close,
    stateDict: () => ({ bytes, records }),
    loadStateDict(state) {
      const saved = state as { bytes?: unknown; records?: unknown };
      if (typeof saved?.bytes !== 'number' || typeof saved.records !== 'number') throw new Error(`interchangeWriter(${file}): not its checkpoint state`);
      ({ bytes, records } = saved as { bytes: number; records: number });
    },
    records: () => records,
  };
}

const statSafe = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
};
