import type { BatchEndEvent, EpochMetrics, KernelPlugin, RunInfo } from './types.js';

export interface ProgressOptions {
  /** Where to write (default stderr). */
  stream?: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  /** Seconds between plain lines when not on a TTY (default 10). */
  intervalSeconds?: number;
}

const time = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/**
 * Training progress: a redrawn bar on a terminal, or a plain line every few seconds when output
 * goes to a file or CI log, plus one line per epoch; epoch, step, loss, accuracy, samples/s, ETA.
 */
export function progressReporter({ stream = process.stderr, intervalSeconds = 10 }: ProgressOptions = {}): KernelPlugin {
  const tty = Boolean(stream.isTTY);
  let info: RunInfo | undefined;
  let runStart = 0;
  let lastDraw = 0;
  let epochStart = 0;
  let [lossSum, hits, seen, stepsThisRun] = [0, 0, 0, 0];
  const line = (event: BatchEndEvent): string => {
    const elapsed = (performance.now() - epochStart) / 1000;
    const stepsLeft = info!.epochs * info!.batchesPerEpoch - event.step;
    const perStep = (performance.now() - runStart) / 1000 / Math.max(1, stepsThisRun);
    const accuracy = seen > 0 && event.correctCount !== undefined ? ` acc ${((100 * hits) / seen).toFixed(1)}%` : '';
    return (
      `epoch ${event.epoch + 1}/${info!.epochs} batch ${event.batchIndex + 1}/${info!.batchesPerEpoch} step ${event.step}` +
      ` loss ${(lossSum / Math.max(1, seen)).toFixed(4)}${accuracy} ${(seen / Math.max(elapsed, 1e-9)).toFixed(0)} samples/s ETA ${time(stepsLeft * perStep)}`
    );
  };
  return {
    name: 'progress',
    enforce: 'post',
    onRunStart(run) {
      info = run;
      runStart = performance.now();
      if (run.resumed) stream.write(`resuming at epoch ${run.startEpoch + 1}, step ${run.startStep}\n`);
    },
    onEpochStart() {
      epochStart = performance.now();
      [lossSum, hits, seen] = [0, 0, 0];
    },
    onBatchEnd(event) {
      stepsThisRun++;
      const n = event.ids.length;
      lossSum += event.meanLoss * n;
      seen += n;
      hits += event.correctCount ?? 0;
      const now = performance.now();
      if (tty && now - lastDraw > 100) {
        const done = (event.batchIndex + 1) / info!.batchesPerEpoch;
        const bar = '#'.repeat(Math.round(done * 20)).padEnd(20, '.');
        stream.write(`\r[${bar}] ${line(event)}\x1b[K`);
        lastDraw = now;
      } else if (!tty && now - lastDraw > intervalSeconds * 1000) {
        stream.write(`${line(event)}\n`);
        lastDraw = now;
      }
    },
    onEpochEnd(metrics: EpochMetrics) {
      const { train, validation, test } = metrics;
      const accuracy = (label: string, r?: { loss: number; accuracy?: number }) =>
        r ? ` ${label} loss ${r.loss.toFixed(4)}${r.accuracy === undefined ? '' : ` acc ${(100 * r.accuracy).toFixed(2)}%`}` : '';
      stream.write(
        `${tty ? '\r\x1b[K' : ''}epoch ${metrics.epoch + 1}/${info!.epochs} step ${metrics.step}:${accuracy('train', train)}${accuracy('val', validation)}${accuracy('test', test)}` +
          ` lr ${metrics.learningRate.toPrecision(3)} ${train.samplesPerSec.toFixed(0)} samples/s ${train.seconds.toFixed(1)} s\n`,
      );
    },
  };
}
