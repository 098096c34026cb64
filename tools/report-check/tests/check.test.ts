import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, runWriter } from '@mgdl/report';
import { checkReport } from '../src/check.js';
import { ensureChromium } from '../src/chromium.js';

// The browser is a real Chromium: installed with apt when missing (as root), else the tests fail with the reason.
let chromium: string | undefined;
beforeAll(() => {
  const found = ensureChromium((line) => console.log(line));
  if ('reason' in found) throw new Error(`the report check needs Chromium: ${found.reason}`);
  chromium = found.path;
});

/** A small real run directory written through the writer. */
function smallRun(dir: string): void {
  const writer = runWriter({ dir, config: { title: '<b>not bold</b>' }, tensorboard: false });
  const control = { stop: () => undefined };
  void writer.onRunStart!({ model: undefined as never, epochs: 6, batchesPerEpoch: 4, startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false }, control);
  for (let epoch = 0; epoch < 6; epoch++) {
    const loss = 1 / (1 + epoch);
    void writer.onEpochEnd!({ epoch, step: 4 * (epoch + 1), train: { loss, accuracy: 1 - loss / 2, samples: 64, samplesPerSec: 900, seconds: 0.1 }, terms: {}, learningRate: 0.01, test: { loss: loss + 0.1, accuracy: 0.7, samples: 32 } }, control);
  }
  writer.writeTraces({ compromise: { epoch: [1, 2, 3, 4, 5, 6], M: [0.2, 0.3, 0.4, 0.5, 0.55, 0.6], F: [0.8, 0.7, 0.6, 0.5, 0.45, 0.4], ratio: [0.25, 0.43, 0.67, 1, 1.22, 1.5] } });
  void writer.onRunEnd!({ epochs: 6, steps: 24, epochMetrics: [], history: [], seconds: 1 });
}

describe('the report as a person sees it', () => {
  it('renders every figure in headless Chromium without console errors, and saves a screenshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-report-check-'));
    smallRun(join(dir, 'run'));
    const { html } = await buildReport([join(dir, 'run')]);
    writeFileSync(join(dir, 'report.html'), html);
    const result = await checkReport(join(dir, 'report.html'), join(dir, 'report.png'), chromium!);
    expect(result.consoleErrors).toEqual([]);
    expect(result.pageErrors).toEqual([]);
    expect(result.unrendered).toEqual([]);
    expect(result.figures).toBe(3);
    expect(existsSync(join(dir, 'report.png'))).toBe(true);
  });

  it('fails a page whose figure did not render', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-report-check-'));
    writeFileSync(join(dir, 'broken.html'), '<!doctype html><html><body><figure><svg width="600" height="300"></svg><figcaption>empty plot</figcaption></figure><script>console.error("boom")</script></body></html>');
    const result = await checkReport(join(dir, 'broken.html'), join(dir, 'broken.png'), chromium!);
    expect(result.unrendered).toEqual(['empty plot']);
    expect(result.consoleErrors).toEqual(['boom']);
  });
});
