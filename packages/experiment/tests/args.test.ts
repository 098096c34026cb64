import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { aggregate, aggregateBy, defineExperiment, formatSpread, parseExperimentArgs, resolveConfig, setPath, setPathReplacing, spearman, trainingFields, UsageError } from '../src/index.js';

const experiment = defineExperiment({
  name: 'toy',
  title: 'a toy experiment',
  claim: 'none',
  schema: z.object({ epochs: z.number().int().positive(), widths: z.array(z.number()), model: z.object({ dropout: z.number().min(0).lt(1) }) }),
  presets: {
    smoke: { epochs: 1, widths: [1], model: { dropout: 0 } },
    default: { epochs: 10, widths: [1, 2], model: { dropout: 0.5 } },
    paper: { epochs: 100, widths: [1, 2, 4], model: { dropout: 0.5 } },
  },
  grid: (config) => ({ width: config.widths }),
  cell: async () => undefined,
  conclude: () => ({ held: null, text: '' }),
});

describe('experiment arguments', () => {
  it('picks a preset and applies --set overrides as JSON, dotted keys nested', () => {
    const args = parseExperimentArgs(['--config', 'smoke', '--set', 'epochs=3', '--set', 'widths=[2,4]', '--set', 'model.dropout=0.25', '--workers', '2']);
    expect(args).toMatchObject({ preset: 'smoke', name: 'smoke', runsDir: 'runs', workers: 2 });
    expect(resolveConfig(experiment, args.preset, args.overrides)).toEqual({ epochs: 3, widths: [2, 4], model: { dropout: 0.25 } });
    expect(experiment.presets.smoke.epochs).toBe(1); // presets are not mutated
  });

  it('sets a dotted --set key by replacing what is not an object on the way, unlike a grid key of @mgdl/sweep', () => {
    const target: Record<string, unknown> = { model: 3, keep: true };
    setPathReplacing(target, 'model.width', 4);
    setPathReplacing(target, 'optimizer.adam.beta1', 0.8);
    expect(target).toEqual({ model: { width: 4 }, keep: true, optimizer: { adam: { beta1: 0.8 } } });
    // The name before 0.2, kept for one release.
    expect(setPath).toBe(setPathReplacing);
  });

  it('keeps a run name one folder inside the runs folder', () => {
    for (const name of ['../../x', 'a/b', '', '.', '..']) expect(() => parseExperimentArgs(['--name', name]), name).toThrow(/a run name is one folder name inside the runs folder/);
    expect(parseExperimentArgs(['--name', 'seeds=10,trimmed-2k']).name).toBe('seeds=10,trimmed-2k');
  });

  it('says a number that reads as Infinity is out of range, instead of "expected number, received number"', () => {
    expect(() => parseExperimentArgs(['--set', 'epochs=1e400'])).toThrow(/--set epochs=1e400: a number out of range \(it reads as ±Infinity\); give a finite number/);
    expect(() => parseExperimentArgs(['--set', 'widths=[1,-1e999]'])).toThrow(UsageError);
  });

  it('names every invalid field after validation', () => {
    expect(() => resolveConfig(experiment, 'default', { epochs: 0, 'model.dropout': 1 })).toThrow(UsageError);
    expect(() => resolveConfig(experiment, 'default', { epochs: 0, 'model.dropout': 1 })).toThrow(/epochs: .*\n.*model.dropout: /);
  });

  it('takes the preset from --preset or its older name --config, default otherwise', () => {
    expect(parseExperimentArgs(['--preset', 'smoke']).preset).toBe('smoke');
    expect(parseExperimentArgs(['--config', 'paper']).preset).toBe('paper');
    expect(parseExperimentArgs([]).preset).toBe('default');
  });

  it('rejects unknown presets, flags and malformed assignments', () => {
    expect(() => parseExperimentArgs(['--config', 'huge'])).toThrow(/--preset must be one of smoke, default, paper, got 'huge'/);
    expect(() => parseExperimentArgs(['--preset', 'smoke', '--config', 'paper'])).toThrow(/--preset smoke and --config paper disagree/);
    expect(() => parseExperimentArgs(['--set', 'epochs'])).toThrow(/--set expects key=value/);
    expect(() => parseExperimentArgs(['--workers', '0'])).toThrow(/--workers must be a positive integer/);
    expect(() => parseExperimentArgs(['--epochs', '3'])).toThrow(/Unknown option '--epochs'/);
  });
});

describe('conclusions', () => {
  it('rank-correlates trends and averages over seeds with their 95% t-interval, or their range below five seeds', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 100])).toBe(1);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(spearman([1, 2], [5, 5])).toBeNaN();
    const results = [1, 1, 2].map((width, i) => ({ name: String(i), values: { width, seed: i }, status: 'done' as const, metrics: { test: { loss: [1, 3, 5][i]!, samples: 10 } } }));
    expect(aggregateBy([{ ...results[0]!, status: 'failed' }], 'width', (m) => m.test?.loss)).toEqual([]);
    const [two, one] = aggregateBy(results, 'width', (m) => m.test?.loss);
    // Two seeds, 1 and 3: sample std √2, interval 2 ± t(0.975, 1) · √2/√2 = 2 ± 12.706205.
    expect(two).toMatchObject({ x: 1, mean: 2, n: 2 });
    expect(two!.std).toBeCloseTo(Math.SQRT2, 12);
    expect([two!.low, two!.high]).toEqual([expect.closeTo(-10.706205, 6), expect.closeTo(14.706205, 6)]);
    expect(one).toEqual({ x: 2, mean: 5, low: 5, high: 5, std: 0, n: 1, min: 5, max: 5 });
    // Below five seeds a table shows the range, not an interval to be read as 95%.
    expect(formatSpread(two, 1)).toBe('2.0 (range 1.0 to 3.0)');
    expect(formatSpread(one, 1)).toBe('5.0');
    const five = aggregate(0, [1, 2, 3, 4, 5]);
    // Mean 3, sample sd √2.5: 3 ± 2.776445 · √2.5/√5.
    expect(formatSpread(five, 3)).toBe(`3.000 [${(3 - 2.776445 * Math.sqrt(0.5)).toFixed(3)}, ${(3 + 2.776445 * Math.sqrt(0.5)).toFixed(3)}]`);
  });
});

describe('training config', () => {
  it("reads the pre-0.2 series name 'sweep' as 'inference-pass', with a deprecation warning", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(trainingFields.series.parse('sweep')).toBe('inference-pass');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/config series: 'sweep' is deprecated/));
    warn.mockRestore();
    expect(trainingFields.series.parse('presentation')).toBe('presentation');
    expect(() => trainingFields.series.parse('epoch')).toThrow();
  });
});
