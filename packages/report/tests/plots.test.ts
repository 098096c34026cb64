import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  axisScaleFor,
  dataMap,
  downsample,
  FONT_FAMILY,
  histogram,
  lineChart,
  regimeBands,
  renderPng,
  renderSvg,
  scaleTraces,
  writePlot,
  type DataMapPoint,
  type Trace,
} from '../src/plots/index.js';

/** Items drawn by the data marks of one type; axes, grids and legends use other roles. */
function markItems(svg: string, type: 'line' | 'symbol' | 'rect' | 'rule'): number {
  const groups = svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>([\\s\\S]*?)</g>`, 'g'));
  return [...groups].reduce((sum, group) => sum + (group[1]!.match(/<(path|line)\b/g)?.length ?? 0), 0);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg\b[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  if (root === null) throw new Error('no root <svg> with a size');
  return { width: Number(root[1]), height: Number(root[2]) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which the PNG format requires to come first. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toContain(`font-family="${FONT_FAMILY}"`);
}

const epochs = Array.from({ length: 12 }, (_, i) => i + 1);
const lossRows = epochs.flatMap((epoch) => [
  { epoch, split: 'train', loss: 2 / epoch, accuracy: 1 - 0.5 / epoch },
  { epoch, split: 'test', loss: 2 / epoch + 0.2, accuracy: 0.9 - 0.5 / epoch },
]);
const lossChart = lineChart({
  title: 'Loss vs epoch',
  x: { field: 'epoch', title: 'Epoch' },
  y: [{ field: 'loss', title: 'Cross-entropy loss (nats)' }],
  series: 'split',
  data: lossRows,
});

function trace(label: string, offset: number): Trace {
  return { label, epoch: epochs, value: epochs.map((epoch) => offset + 0.1 * Math.sin(epoch + offset)) };
}

describe('lineChart', () => {
  it('draws one line per series with markers, titles and axis titles', async () => {
    const svg = await renderSvg(lossChart);
    expectWellFormed(svg);
    expect(markItems(svg, 'line')).toBe(2);
    expect(markItems(svg, 'symbol')).toBe(lossRows.length);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['Loss vs epoch', 'Epoch', 'Cross-entropy loss (nats)', 'train', 'test']),
    );
  });

  it('stacks one panel per y field, on a log scale when asked', async () => {
    const svg = await renderSvg(
      lineChart({
        title: 'M and F vs noise',
        x: { field: 'noise', title: 'Label noise rate' },
        y: [
          { field: 'M', title: 'M (events)' },
          { field: 'F', title: 'F (events)' },
          { field: 'ratio', title: 'M/F (dimensionless)' },
        ],
        data: [0, 0.1, 0.2, 0.4].map((noise) => ({ noise, M: 100 + 300 * noise, F: 50, ratio: 2 + 6 * noise })),
        yScale: 'log',
      }),
    );
    expectWellFormed(svg);
    expect(markItems(svg, 'line')).toBe(3);
    expect(texts(svg)).toEqual(expect.arrayContaining(['M (events)', 'F (events)', 'M/F (dimensionless)']));
    expect(svg).toContain('for a log scale');
  });

  it('puts x on a log or symlog axis when asked, and picks one for values over decades', async () => {
    const data = [0, 1e-4, 1e-3, 0.01, 0.1, 0.5].map((l2) => ({ l2, loss: 1 + l2 }));
    expect(axisScaleFor(data.map((d) => d.l2))).toEqual({ kind: 'symlog', constant: 1e-4 });
    expect(axisScaleFor([16, 64, 512])).toEqual({ kind: 'log' });
    expect(axisScaleFor([0, 0.2, 0.4])).toEqual({ kind: 'linear' });
    expect(axisScaleFor([-1, 10, 1000])).toEqual({ kind: 'linear' });
    const spec = lineChart({ title: 't', x: { field: 'l2', title: 'λ' }, xScale: 'symlog', xSymlogConstant: 1e-4, y: [{ field: 'loss', title: 'L' }], data });
    expect(JSON.stringify(spec)).toContain('"scale":{"type":"symlog","constant":0.0001},"axis":{"values":[0,0.0001,0.001,0.01,0.1,0.5],"format":"~g"}');
    const svg = await renderSvg(spec);
    expectWellFormed(svg);
    expect(markItems(svg, 'symbol')).toBe(data.length);
    expect(JSON.stringify(lineChart({ title: 't', x: { field: 'l2', title: 'λ' }, xScale: 'log', y: [{ field: 'loss', title: 'L' }], data: data.slice(1) }))).toContain('"scale":{"type":"log"}');
  });

  it('reads dotted column names as flat fields', async () => {
    const rows = epochs.map((epoch) => ({ epoch, 'test.loss': 1 / epoch }));
    const svg = await renderSvg(
      lineChart({ title: 't', x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'test.loss', title: 'L' }], data: rows }),
    );
    expect(markItems(svg, 'symbol')).toBe(rows.length);
  });

  it('rejects a chart with no y field', () => {
    expect(() => lineChart({ title: 't', x: { field: 'a', title: 'A' }, y: [], data: [] })).toThrow(RangeError);
  });
});

describe('scaleTraces', () => {
  const input = {
    element: [trace('conv1', 1), trace('conv2', 1.2), trace('fc', 1.4)],
    meso: [trace('block1', 1.6), trace('block2', 1.8)],
    system: [trace('network', 2)],
    settled: [
      { scale: 'meso' as const, value: 1.7, amplitude: 0.1 },
      { scale: 'system' as const, value: 2, amplitude: 0.05 },
    ],
  };

  it('draws every trace, a rule per settled value and its fluctuation band', async () => {
    const svg = await renderSvg(scaleTraces(input));
    expectWellFormed(svg);
    expect(markItems(svg, 'line')).toBe(6);
    expect(markItems(svg, 'rule')).toBe(2);
    expect(markItems(svg, 'rect')).toBe(2);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['M/F across scales', 'Epoch', 'M/F (dimensionless)', 'element', 'meso', 'system']),
    );
  });

  it('renders without settled values', async () => {
    const svg = await renderSvg(scaleTraces({ ...input, settled: undefined }));
    expect(markItems(svg, 'line')).toBe(6);
    expect(markItems(svg, 'rule')).toBe(0);
  });

  it('rejects a trace whose epochs and values differ in length', () => {
    const ragged = { label: 'x', epoch: [1, 2], value: [1] };
    expect(() => scaleTraces({ ...input, system: [ragged] })).toThrow(/2 epochs but 1 values/);
  });
});

describe('histogram', () => {
  it('draws one bar per occupied bin and group', async () => {
    // Integer counts over [0, 10], one bin per integer (11 ≤ 30 bins): clean fills bins 0, 1, 2;
    // noisy fills 4, 6 and 10; empty bins draw nothing.
    const values = [
      ...[0, 0, 1, 2, 2, 2].map((value) => ({ group: 'clean' as const, value })),
      ...[4, 4, 6, 10].map((value) => ({ group: 'noisy' as const, value })),
    ];
    const svg = await renderSvg(histogram({ title: 'Forgetting events', values, bins: 30 }));
    expectWellFormed(svg);
    expect(markItems(svg, 'rect')).toBe(3 + 3);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['Forgetting events', 'Forgetting events (count)', 'Share of group', 'clean', 'noisy']),
    );
  });

  it('rejects a non-positive bin count', () => {
    expect(() => histogram({ title: 't', values: [], bins: 0 })).toThrow(RangeError);
  });
});

function cartography(count: number): DataMapPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const confidence = ((i * 7919) % 1000) / 1000;
    return {
      confidence,
      variability: (((i * 104729) % 500) / 1000) * (1 - Math.abs(confidence - 0.5)),
      correctness: Math.round(confidence * 5) / 5,
      region: confidence > 0.7 ? 'easy-to-learn' : confidence < 0.3 ? 'hard-to-learn' : 'ambiguous',
    };
  });
}

describe('dataMap', () => {
  it('downsamples to 5,000 points and says so', async () => {
    const svg = await renderSvg(dataMap({ points: cartography(12_000) }));
    expectWellFormed(svg);
    expect(markItems(svg, 'symbol')).toBe(5000);
    expect(texts(svg)).toEqual(
      expect.arrayContaining([
        'Data map',
        '5,000 of 12,000 examples shown',
        'Variability (std. of p(true label))',
        'Confidence (mean p(true label))',
      ]),
    );
  });

  it('colours by region on request and keeps small maps whole', async () => {
    const svg = await renderSvg(dataMap({ points: cartography(40), colourBy: 'region' }));
    expect(markItems(svg, 'symbol')).toBe(40);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['40 examples', 'easy-to-learn', 'ambiguous', 'hard-to-learn']),
    );
  });
});

describe('downsample', () => {
  const items = Array.from({ length: 10_000 }, (_, i) => i);

  it('picks the same in-order subset every time, spread over the whole input', () => {
    const picked = downsample(items, 500);
    expect(picked).toEqual(downsample(items, 500));
    expect(picked).toHaveLength(500);
    expect(new Set(picked).size).toBe(500);
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    // Each tenth of the input should hold roughly a tenth of the sample.
    for (let decile = 0; decile < 10; decile++) {
      const inDecile = picked.filter((i) => Math.floor(i / 1000) === decile).length;
      expect(inDecile).toBeGreaterThan(25);
      expect(inDecile).toBeLessThan(75);
    }
  });

  it('returns a copy when there is nothing to drop', () => {
    const few = [3, 1, 2];
    const kept = downsample(few, 5);
    expect(kept).toEqual(few);
    expect(kept).not.toBe(few);
  });
});

describe('regimeBands', () => {
  const data = [0.001, 0.003, 0.01, 0.03, 0.1].map((lr, i) => ({ lr, ratio: 0.3 * 3 ** i }));
  const input = {
    title: 'Regimes vs learning rate',
    x: { field: 'lr', title: 'Learning rate' },
    data,
    thresholds: { forgettingBelow: 0.5, memorisingAbove: 5 },
  };

  it('shades three regime bands behind a log-scale M/F line', async () => {
    const svg = await renderSvg(regimeBands(input));
    expectWellFormed(svg);
    expect(markItems(svg, 'rect')).toBe(3);
    expect(markItems(svg, 'line')).toBe(1);
    expect(markItems(svg, 'symbol')).toBe(data.length);
    expect(svg).toContain('for a log scale');
    expect(texts(svg)).toEqual(
      expect.arrayContaining([
        'Learning rate',
        'M/F (dimensionless)',
        'forgetting-dominated',
        'compromise',
        'memorising-dominated',
      ]),
    );
  });

  it('drops the compromise band when the thresholds meet', async () => {
    const svg = await renderSvg(regimeBands({ ...input, thresholds: { forgettingBelow: 2, memorisingAbove: 2 } }));
    expect(markItems(svg, 'rect')).toBe(2);
  });

  it('rejects thresholds out of order or not positive', () => {
    for (const [forgettingBelow, memorisingAbove] of [[5, 0.5], [0, 1], [1, Infinity]] as const) {
      expect(() => regimeBands({ ...input, thresholds: { forgettingBelow, memorisingAbove } })).toThrow(RangeError);
    }
  });
});

describe('renderPng', () => {
  it('rasterises a spec at twice the SVG size by default, and an SVG at any scale', async () => {
    const svg = await renderSvg(lossChart);
    const { width, height } = svgSize(svg);
    expect(pngSize(await renderPng(lossChart))).toEqual({ width: 2 * width, height: 2 * height });
    expect(pngSize(await renderPng(svg, { scale: 1 }))).toEqual({ width, height });
  });

  it('draws text with the bundled font', async () => {
    // Same SVG with and without the title's characters: the layout is identical, so the PNGs
    // differ only if glyphs were drawn. Without a loaded font resvg drops text silently.
    const svg = await renderSvg(lossChart);
    const untitled = svg.replace('>Loss vs epoch</text>', '></text>');
    expect(untitled).not.toBe(svg);
    const [titled, blank] = await Promise.all([renderPng(svg), renderPng(untitled)]);
    expect(Buffer.from(titled).equals(Buffer.from(blank))).toBe(false);
  });

  it('falls back to the bundled font for families it does not have', async () => {
    const text = (body: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="white"/>` +
      `<text x="4" y="28" font-family="Helvetica, sans-serif" font-size="24">${body}</text></svg>`;
    const [drawn, blank] = await Promise.all([renderPng(text('Aa')), renderPng(text(''))]);
    expect(Buffer.from(drawn).equals(Buffer.from(blank))).toBe(false);
  });

  it('rejects a scale that is not a positive number', async () => {
    await expect(renderPng(lossChart, { scale: 0 })).rejects.toThrow(RangeError);
  });
});

describe('escaping', () => {
  it('writes caller text into the SVG as escaped text, never as markup', async () => {
    const svg = await renderSvg(
      lineChart({
        title: '<script>alert("x")</script> & co',
        x: { field: 'epoch', title: 'Epoch <i>' },
        y: [{ field: 'loss', title: 'Loss & more' }],
        series: 'split',
        data: epochs.map((epoch) => ({ epoch, loss: 1 / epoch, split: '<img src=x onerror=alert(1)>' })),
      }),
    );
    expect(svg).not.toMatch(/<script|<img|<i>/);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg).toContain('Loss &amp; more');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('determinism', () => {
  it('renders the same spec to the same SVG, whatever was rendered before', async () => {
    const spec = () => dataMap({ points: cartography(300) });
    const first = await renderSvg(spec());
    await renderSvg(scaleTraces({ element: [trace('a', 1)], meso: [], system: [] }));
    const [second, third] = await Promise.all([renderSvg(spec()), renderSvg(spec())]);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('leaves the caller rows untouched', async () => {
    const rows = [{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }];
    const spec = lineChart({ title: 't', x: { field: 'epoch', title: 'E' }, y: [{ field: 'loss', title: 'L' }], data: rows });
    await renderSvg(spec);
    expect(Object.getOwnPropertySymbols(rows[0])).toEqual([]);
    expect(rows).toEqual([{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }]);
  });
});

describe('writePlot', () => {
  const root = mkdtempSync(join(tmpdir(), 'mgdl-plots-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a matching SVG and PNG next to each other', async () => {
    const dir = join(root, 'run');
    const paths = await writePlot(dir, 'loss', lossChart);
    expect(paths).toEqual({ svg: join(dir, 'loss.svg'), png: join(dir, 'loss.png') });
    const svg = readFileSync(paths.svg, 'utf8');
    expectWellFormed(svg);
    const { width, height } = svgSize(svg);
    expect(pngSize(readFileSync(paths.png))).toEqual({ width: 2 * width, height: 2 * height });
    expect(readdirSync(dir).sort()).toEqual(['loss.png', 'loss.svg']);
  });

  it('writes nothing when rendering fails', async () => {
    const dir = join(root, 'failed');
    const broken = { data: { values: [] }, mark: 'no-such-mark' } as unknown as TopLevelSpec;
    await expect(writePlot(dir, 'broken', broken)).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects names that are not plain file names', async () => {
    for (const name of ['', '../loss', 'a/b', '.hidden']) {
      await expect(writePlot(root, name, lossChart)).rejects.toThrow(RangeError);
    }
  });
});
