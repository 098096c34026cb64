import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildReport, readEventFile, runFiles, runWriter, writeFigures } from '../src/index.js';
import { writeFakeRun } from './fixtures/fake-run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-report-'));

describe('run directory', () => {
  it('has params, events, metrics, per-tag CSVs, samples, traces and TensorBoard files', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 3 });
    const files = runFiles(dir);
    const params = JSON.parse(readFileSync(files.params, 'utf8'));
    expect(params.config.name).toBe('fake');
    expect(params.packages['@tensorflow/tfjs-core']).toBe('4.22.0');
    expect(params).toHaveProperty('git');
    const events = readFileSync(files.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.tag === 'train/loss').map((e) => [e.epoch, e.step])).toEqual([[0, 10], [1, 20], [2, 30]]);
    expect(Object.keys(events[0]).sort()).toEqual(['epoch', 'step', 'tag', 'value', 'wall_time']);
    expect(readFileSync(files.tagCsv('test/loss'), 'utf8').split('\n')[0]).toBe('step,epoch,value');
    const metrics = JSON.parse(readFileSync(files.metrics, 'utf8'));
    expect(metrics).toMatchObject({ epoch: 3, step: 30, run: { epochs: 3 }, forgetting: { regime: 'compromise' } });
    const tb = readdirSync(files.tensorboard);
    expect(tb).toHaveLength(1);
    const scalars = readEventFile(join(files.tensorboard, tb[0]!)).flatMap((r) => r.scalars.map((s) => ({ ...s, step: r.step })));
    expect(scalars.filter((s) => s.tag === 'train/loss').map((s) => s.step)).toEqual([10, 20, 30]);
  });
});

describe('resume', () => {
  it('drops records past the checkpoint so no step appears twice', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 5 });
    const writer = runWriter({ dir, config: {} });
    void writer.onRunStart!({ model: undefined as never, epochs: 5, batchesPerEpoch: 10, startEpoch: 2, startStep: 20, resumed: true, seed: 0, epochMetrics: [], history: [], inferencePass: false }, { stop: () => undefined });
    const steps = readFileSync(runFiles(dir).events, 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
    expect(Math.max(...steps)).toBe(20);
    expect(readFileSync(runFiles(dir).tagCsv('train/loss'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('drops what an attempt cut before its first checkpoint appended when the run starts afresh', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 2 });
    const writer = runWriter({ dir, config: {}, tensorboard: false });
    void writer.onRunStart!({ model: undefined as never, epochs: 5, batchesPerEpoch: 10, startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false }, { stop: () => undefined });
    expect(readFileSync(runFiles(dir).events, 'utf8')).toBe('');
    expect(readFileSync(runFiles(dir).tagCsv('train/loss'), 'utf8').trim().split('\n')).toEqual(['step,epoch,value']);
  });

  it('drops a last line that an append cut short (a full disk, a kill), with a warning, and resumes', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 5 });
    const files = runFiles(dir);
    appendFileSync(files.events, '{"wall_time":1,"step":21,"epoch":2,"tag":"train/lo');
    appendFileSync(files.tagCsv('train/loss'), '21,2,0.4');
    const warnings: string[] = [];
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation((message) => void warnings.push(String(message)));
    try {
      const writer = runWriter({ dir, config: {} });
      void writer.onRunStart!({ model: undefined as never, epochs: 5, batchesPerEpoch: 10, startEpoch: 2, startStep: 20, resumed: true, seed: 0, epochMetrics: [], history: [], inferencePass: false }, { stop: () => undefined });
    } finally {
      warn.mockRestore();
    }
    expect(warnings).toEqual([expect.stringMatching(/events\.jsonl: dropped a last line cut short \(\d+ bytes without a newline/), expect.stringMatching(/train.*loss.*\.csv: dropped a last line cut short/)]);
    expect(readFileSync(files.events, 'utf8').endsWith('\n')).toBe(true);
    expect(Math.max(...readFileSync(files.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number))).toBe(20);
  });

  it('names a damaged line inside events.jsonl instead of failing on every rerun without a file name', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 5 });
    const files = runFiles(dir);
    writeFileSync(files.events, `not json\n${readFileSync(files.events, 'utf8')}`);
    const writer = runWriter({ dir, config: {} });
    expect(() => writer.onRunStart!({ model: undefined as never, epochs: 5, batchesPerEpoch: 10, startEpoch: 2, startStep: 20, resumed: true, seed: 0, epochMetrics: [], history: [], inferencePass: false }, { stop: () => undefined })).toThrow(/events\.jsonl line 1: not a JSON record .*delete it to start the run over/);
  });
});

describe('HTML report', () => {
  it('is one self-contained page with a figure per kind of record, user strings escaped', async () => {
    const dir = tmp();
    writeFakeRun(dir, { name: 'a <b>bold</b> run' });
    const { html, usable } = await buildReport([dir], { title: 'Report <of> "runs"' });
    expect(usable).toBe(true);
    expect((html.match(/<figure>/g) ?? []).length).toBe(5); // loss, M and F, M/F bands, scales, histogram
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(html).toContain('<title>Report &lt;of&gt; &quot;runs&quot;</title>');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('compares a sweep: loss, M/F and regimes against the swept parameter', async () => {
    const root = tmp();
    const dirs = [1, 2, 4].map((width) => {
      const dir = join(root, `width=${width}`);
      writeFakeRun(dir, { grid: { width } });
      return dir;
    });
    const { html } = await buildReport(dirs);
    expect(html).toContain('Across the grid: width');
    expect(html).toContain('Runs (3)');
    expect((html.match(/<figure>/g) ?? []).length).toBe(3 + 3 * 5);
  });

  it('lists every figure with its section, intro figures first, and saves them as one swapped-in set of SVG files', async () => {
    const root = tmp();
    const dirs = [1, 2].map((width) => {
      const dir = join(root, `width=${width}`);
      writeFakeRun(dir, { grid: { width } });
      return dir;
    });
    const intro = { title: 'Claim & verdict', html: '<p>held</p>', figures: [{ caption: 'The claim, drawn.', svg: '<svg id="claim"></svg>' }] };
    const { html, figures } = await buildReport(dirs, { intro: [intro] });
    expect(html).toContain('<svg id="claim"></svg>');
    expect((html.match(/<figure>/g) ?? []).length).toBe(figures.length);
    expect(figures.map((f) => f.section)).toEqual(['Claim & verdict', ...Array(3).fill('Across the grid: width'), ...Array(5).fill('Run width=1'), ...Array(5).fill('Run width=2')]);
    const out = join(root, 'figures');
    mkdirSync(out);
    writeFileSync(join(out, 'stale.svg'), '<svg/>');
    const paths = writeFigures(out, figures);
    expect(paths[0]).toBe(join(out, '01-claim-verdict--the-claim-drawn.svg'));
    expect(paths[1]).toBe(join(out, '02-across-the-grid-width--final-train-and-test-loss-against.svg'));
    expect(readdirSync(out).sort()).toEqual(paths.map((p) => basename(p)).sort());
    expect(readFileSync(paths[0]!, 'utf8')).toBe('<svg id="claim"></svg>');
    expect(readdirSync(root).sort()).toEqual(['figures', 'width=1', 'width=2']);
  });

  it('does not draw seeds as a swept parameter', async () => {
    const root = tmp();
    const dirs = [0, 1].map((seed) => {
      const dir = join(root, `seed=${seed}`);
      writeFakeRun(dir, { grid: { seed } });
      return dir;
    });
    const { html } = await buildReport(dirs);
    expect(html).not.toContain('Across the grid');
    expect(html).toContain('Runs (2)');
  });

  it('renders what exists, lists what is missing, and is unusable only when nothing is there', async () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 2 });
    rmSync(runFiles(dir).metrics);
    writeFileSync(runFiles(dir).events, readFileSync(runFiles(dir).events, 'utf8') + '{"wall_time": 1, "ste');
    const partial = await buildReport([dir]);
    expect(partial.usable).toBe(true);
    expect(partial.html).toContain('missing: metrics.json');
    expect(partial.html).toMatch(/events.jsonl line \d+: not valid JSON/);
    const nothing = await buildReport([join(tmp(), 'absent')]);
    expect(nothing.usable).toBe(false);
  });
});
