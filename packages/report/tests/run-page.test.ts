import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, histogram, runFiles, runWriter, sampleScoresCsv, tableHtml, type SampleScoreRow } from '../src/index.js';
import { writeFakeRun } from './fixtures/fake-run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-run-page-'));

/** Twelve samples of three classes, without noise information: ids 0, 5 and 10 never learned (S1), every third of the others S2. */
const rows = (): SampleScoreRow[] =>
  Array.from({ length: 12 }, (_, id) => {
    const set = id % 5 === 0 ? 1 : id % 3 === 0 ? 2 : 3;
    return { id, label: id % 3, clean: null, noisy: null, set, forgetting: set === 3 ? id % 4 : 0, firstLearned: set === 1 ? null : 0, aum: null, confidence: null, variability: null, correctness: null, el2n: null, finalLoss: null };
  });

/** A run with samples/scores.csv (no gallery) and, when given, class names in params.json. */
function scoredRun(classNames?: string[]): string {
  const dir = tmp();
  writeFakeRun(dir, { epochs: 3 });
  runWriter({ dir, config: {}, tensorboard: false }).writeSamples('scores', sampleScoresCsv(rows()));
  if (classNames) {
    const params = JSON.parse(readFileSync(runFiles(dir).params, 'utf8'));
    writeFileSync(runFiles(dir).params, JSON.stringify({ ...params, classNames }));
  }
  return dir;
}

const perClassTable = (html: string) => html.slice(html.indexOf('<h3>Per class</h3>'), html.indexOf('</table>', html.indexOf('<h3>Per class</h3>')));

describe('the per-class table', () => {
  it("names the classes by params.json's class names when the run has no gallery, by index when nothing names them", async () => {
    const named = perClassTable((await buildReport([scoredRun(['cat', 'dog', 'bird'])])).html);
    // Class "dog" (label 1): ids 1, 4, 7, 10 → 4 samples, one of them (10) never learned.
    expect(named).toContain('<tr><td>dog</td><td class="num">4</td><td class="num">1</td>');
    expect(named).not.toContain('<tr><td>1</td>');
    const unnamed = perClassTable((await buildReport([scoredRun()])).html);
    expect(unnamed).toContain('<tr><td>1</td><td class="num">4</td><td class="num">1</td>');
  });
});

describe('a run named on the page', () => {
  it('is called by the given name and its folder is named nowhere, not even in a problem with one of its files', async () => {
    const dir = scoredRun();
    writeFileSync(runFiles(dir).gallery, '{"kind": "image"}');
    const plain = await buildReport([dir]);
    expect(plain.html).toContain(dir);
    const { html } = await buildReport([dir], { runNames: ['dynamics.jsonl'] });
    expect(html).not.toContain(dir);
    expect(html).toContain('<h2>Run dynamics.jsonl</h2>');
    expect(html).toContain('<tr><td>dynamics.jsonl</td>');
    expect(html).toMatch(/dynamics\.jsonl[^<]*gallery\.json/);
  });
});

describe('the most forgotten samples', () => {
  it('ranks the learned samples by forgetting events and lists the never-learned ones apart', async () => {
    const dir = scoredRun();
    // As mgdl analyze writes it: never-learned samples first (forgotten "infinitely often"), with 0 forgetting events.
    const ranking = ['rank,id,name,forgetting_events,learning_events,set', '1,4,d,0,0,S1', '2,2,b,0,0,S1', '3,7,g,1,2,S3', '4,0,a,0,1,S2', '5,3,c,3,4,S3', '6,5,e,1,2,S3'];
    writeFileSync(join(dir, 'samples', 'ranking.csv'), `${ranking.join('\n')}\n`);
    const { html } = await buildReport([dir]);
    const section = html.slice(html.indexOf('<h3>Most forgotten samples'));
    expect(section).toContain('first 4 of 4 learned samples');
    const body = [...section.slice(0, section.indexOf('</table>')).matchAll(/<tr><td class="num">(\d+)<\/td><td>(\d+)<\/td><td>(\w)<\/td><td>(\d+)<\/td>/g)].map((m) => m.slice(1, 5).join(' '));
    // Most events first; equal counts keep the file's order (ids 7 and 5).
    expect(body).toEqual(['1 3 c 3', '2 7 g 1', '3 5 e 1', '4 0 a 0']);
    expect(section).toContain('2 samples were never learned (S1, not ranked above): ids 4, 2.');
  });
});

describe('the forgetting histogram', () => {
  it('gives the never-learned samples a bar of their own, shares over all samples of the group', () => {
    const values = [
      ...[0, 1, 1].map((value) => ({ group: 'all' as const, value })),
      { group: 'all' as const, value: 'never learned' },
    ];
    const spec = histogram({ title: 'h', values, bins: 30 }) as { data: { values: { bin: string; share: number }[] }; encoding: { x: { scale: { domain: string[] } } } };
    expect(spec.encoding.x.scale.domain).toEqual(['0', '1', 'never learned']);
    expect(spec.data.values.map((r) => [r.bin, r.share])).toEqual([['0', 0.25], ['1', 0.5], ['never learned', 0.25]]);
  });

  it("draws a run's never-learned samples in the report's histogram", async () => {
    const { html } = await buildReport([scoredRun()]);
    const figure = html.slice(html.lastIndexOf('<figure>', html.indexOf('<figcaption>Forgetting events per learned sample')));
    expect(figure).toContain('>never learned</text>');
    expect(figure).toContain('the samples never learned (S1) in a bar of their own, &#39;never learned&#39;');
    // A run whose samples were all learned (forgetting.csv of S2 and S3 only) has no such bar.
    const dir = tmp();
    writeFakeRun(dir, { epochs: 3 });
    const learned = (await buildReport([dir])).html;
    expect(learned).toContain('<figcaption>Forgetting events per learned sample (S2 and S3); clean and noisy labels side by side');
    expect(learned).not.toContain('>never learned</text>');
  });
});

describe('numbers in tables', () => {
  it('print as computed, up to 4 significant digits, never padded with zeros', () => {
    const html = tableHtml(['a', 'b', 'c', 'd'], [[0.998, 0.5, 1 / 3, 1234.5]]);
    expect([...html.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['0.998', '0.5', '0.3333', '1235']);
  });
});
