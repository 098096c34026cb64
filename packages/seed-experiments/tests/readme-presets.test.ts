import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cicWidth } from '../src/index.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** The README's "Two commands" section, its line breaks joined into spaces. */
const twoCommands = () => {
  const readme = read('README.md');
  const start = readme.indexOf('## Two commands');
  return readme.slice(start, readme.indexOf('\n## ', start + 1)).replace(/\s+/g, ' ');
};

/** One number the sentence states, found by `pattern`'s first group (digits with thousands commas, or a word). */
const stated = (text: string, pattern: RegExp): number => {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`the README's "Two commands" section no longer says ${pattern}: update it and this test together`);
  return WORDS.includes(found) ? WORDS.indexOf(found) + 1 : Number(found.replaceAll(',', ''));
};

describe("the README's \"Two commands\" section", () => {
  it('runs the cic-width default preset with `npm start`', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['start']).toMatch(/nx run @mgdl\/cic-width:run(\s|$)/);
    const app = JSON.parse(read('apps/cic-width/package.json')) as { nx: { targets: { run: { options: { command: string } } } } };
    expect(app.nx.targets.run.options.command).toMatch(/--config default$/);
  });

  it('describes the cic-width default preset as it is: widths, training samples, noise, epochs, seeds and cells', () => {
    const text = twoCommands();
    const preset = cicWidth.schema.parse(cicWidth.presets['default']);
    const sentence = /the `cic-width` experiment of seed paper 2 \(([^)]*)\)/.exec(text)?.[1] ?? '';
    expect(sentence, 'the sentence describing the default preset').not.toBe('');
    expect(stated(sentence, /(\d+|\w+) FCNN widths/)).toBe(preset.widths.length);
    expect(stated(sentence, /widths from (\d+)/)).toBe(Math.min(...preset.widths));
    expect(stated(sentence, /widths from \d+ to (\d+)/)).toBe(Math.max(...preset.widths));
    expect(stated(sentence, /([\d,]+) MNIST training samples/)).toBe(preset.trainSize);
    expect(preset.dataset).toBe('mnist');
    expect(stated(sentence, /(\d+)% label noise/) / 100).toBe(preset.noise);
    expect(stated(sentence, /(\d+) epochs/)).toBe(preset.epochs);
    expect(stated(sentence, /(\w+) seeds/)).toBe(preset.seeds.length);
    expect(stated(sentence, /(\d+) cells/)).toBe(preset.widths.length * preset.seeds.length);
  });
});
