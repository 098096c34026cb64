import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeByNoise, History } from '@mgdl/forgetting';
import {
  AUM_TABLE,
  buildReport,
  DATA_MAP_TABLE,
  EL2N_TABLE,
  forgettingSection,
  loadRun,
  NAMES_TABLE,
  RANKING_TABLE,
  readRunMetrics,
  readRunParams,
  readTable,
  runFiles,
  RunFileError,
  runWriter,
  writeRunParams,
  writeTable,
  type RunParams,
  type TableSpec,
} from '../src/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-run-writers-'));

const failure = (act: () => unknown): RunFileError => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(RunFileError);
    return error as RunFileError;
  }
  throw new Error('expected a RunFileError');
};

const params = (seed: unknown): RunParams => ({ config: { seed }, seed, epochs: 2, batchesPerEpoch: 3, packages: {}, git: null, created: '2026-01-01T00:00:00.000Z' }) as RunParams;

/** Starts a run writer as train() would, seeded by the kernel with `kernelSeed`; returns params.json as read back. */
function startedParams(config: unknown, kernelSeed: number): RunParams {
  const dir = tmp();
  const writer = runWriter({ dir, config, tensorboard: false });
  void writer.onRunStart!({ model: undefined as never, epochs: 2, batchesPerEpoch: 3, startEpoch: 0, startStep: 0, resumed: false, seed: kernelSeed, epochMetrics: [], history: [], inferencePass: false }, { stop: () => undefined });
  return readRunParams(runFiles(dir).params);
}

describe('params.json: one writer, checked against its reader', () => {
  it('round-trips and refuses a field its reader would refuse, writing nothing', () => {
    const dir = tmp();
    const path = runFiles(dir).params;
    writeRunParams(path, params(4));
    expect(readRunParams(path)).toEqual(params(4));
    const refused = failure(() => writeRunParams(path, params('four')));
    expect(refused).toMatchObject({ file: path, field: 'seed' });
    expect(readRunParams(path).seed).toBe(4);
    expect(readdirSync(dir)).toEqual(['params.json']);
  });

  it("records the config's seed, and the kernel's as initSeed only where the config set another", () => {
    expect(startedParams({ seed: 3, initSeed: 7 }, 7)).toMatchObject({ seed: 3, initSeed: 7 });
    const same = startedParams({ seed: 3 }, 3);
    expect(same.seed).toBe(3);
    expect(same).not.toHaveProperty('initSeed');
    // A config without a seed of its own: the kernel's is the run's seed.
    expect(startedParams({ name: 'plain' }, 5).seed).toBe(5);
  });

  it('still reads a params.json from before initSeed was recorded', () => {
    const path = join(tmp(), 'params.json');
    writeFileSync(path, JSON.stringify({ config: { seed: 1, initSeed: 9 }, seed: 9, epochs: 1, batchesPerEpoch: 1, packages: {}, git: null, created: '' }));
    expect(readRunParams(path)).toMatchObject({ seed: 9 });
    expect(readRunParams(path).initSeed).toBeUndefined();
  });
});

/** Each table with rows that exercise its columns: names with commas, quotes and line breaks, NaN scores, the empty set. */
const tables: { spec: TableSpec<never>; rows: object[]; badField: string; bad: (csv: string) => string }[] = [
  {
    spec: DATA_MAP_TABLE as TableSpec<never>,
    rows: [{ id: 0, confidence: 0.9, variability: 0.05, correctness: 1, region: 'easy-to-learn' }, { id: 3, confidence: 0.25, variability: 0.4, correctness: 0.5, region: 'ambiguous' }],
    badField: 'confidence',
    bad: (csv) => csv.replace('0.9', 'high'),
  },
  {
    spec: RANKING_TABLE as TableSpec<never>,
    rows: [{ rank: 1, id: 4, name: 'a, "quoted"\nname', forgettingEvents: 0, learningEvents: 0, set: 'S1' }, { rank: 2, id: 2, name: 'b', forgettingEvents: 3, learningEvents: 4, set: 'S3' }, { rank: 3, id: 9, name: 'never seen', forgettingEvents: 0, learningEvents: 0, set: '' }],
    badField: 'set',
    bad: (csv) => csv.replace(',S3', ',S4'),
  },
  {
    spec: AUM_TABLE as TableSpec<never>,
    rows: [{ id: 0, aum: -1.5, epochs: 3 }, { id: 1, aum: Number.NaN, epochs: 0 }],
    badField: 'epochs',
    bad: (csv) => csv.replace(',3\n', ',2.5\n'),
  },
  {
    spec: EL2N_TABLE as TableSpec<never>,
    rows: [{ id: 5, el2n: 0.125, epochs: 2 }],
    badField: 'id',
    bad: (csv) => csv.replace('5,', 'five,'),
  },
  {
    spec: NAMES_TABLE as TableSpec<never>,
    rows: [{ id: 0, name: 'plain' }, { id: 1, name: 'with,comma' }, { id: 2, name: '' }],
    badField: 'id',
    bad: (csv) => csv.replace('1,', ','),
  },
];

describe('the imported sample tables: one writer and one reader each', () => {
  for (const { spec, rows, badField, bad } of tables) {
    it(`${spec.name}.csv round-trips and a malformed one names the file, line and column`, () => {
      const dir = tmp();
      writeTable(dir, spec, rows as never[]);
      const path = runFiles(dir).samples(spec.name);
      expect(readTable(spec, path)).toEqual(rows);
      writeFileSync(path, bad(readFileSync(path, 'utf8')));
      const refused = failure(() => readTable(spec, path));
      expect(refused).toMatchObject({ file: path, field: badField });
      expect(refused.message).toMatch(new RegExp(`${spec.name}\\.csv: field '${badField}': line \\d+: `));
    });
  }

  it('refuses a file whose header is not the one its writer writes', () => {
    const dir = tmp();
    mkdirSync(runFiles(dir).samplesDir);
    writeFileSync(runFiles(dir).samples('aum'), 'id,margin,epochs\n0,1,1\n');
    expect(failure(() => readTable(AUM_TABLE, runFiles(dir).samples('aum'))).message).toMatch(/aum\.csv: header is "id,margin,epochs", expected 'id,aum,epochs'/);
  });

  it('refuses to write a row its reader would refuse, leaving the file before it whole', () => {
    const dir = tmp();
    writeTable(dir, AUM_TABLE, [{ id: 0, aum: 1, epochs: 2 }]);
    expect(failure(() => writeTable(dir, AUM_TABLE, [{ id: 0.5, aum: 1, epochs: 2 }])).field).toBe('id');
    expect(readTable(AUM_TABLE, runFiles(dir).samples('aum'))).toEqual([{ id: 0, aum: 1, epochs: 2 }]);
  });

  it('loads them typed into the report, a malformed one listed as a problem', async () => {
    const dir = tmp();
    runWriter({ dir, config: {}, tensorboard: false }).writeSamples('forgetting', 'id,learning_events,forgetting_events,first_learned,learned_for_good,first_forgotten,final_correct,set\n0,1,0,0,0,-1,1,S2\n');
    writeTable(dir, RANKING_TABLE, [{ rank: 1, id: 0, name: 'first, of all', forgettingEvents: 2, learningEvents: 3, set: 'S3' }]);
    writeTable(dir, DATA_MAP_TABLE, [{ id: 0, confidence: 0.5, variability: 0.2, correctness: 0.5, region: 'ambiguous' }]);
    writeFileSync(runFiles(dir).samples('el2n'), 'id,el2n,epochs\nx,1,1\n');
    const run = loadRun(dir);
    expect(run.ranking?.[0]?.name).toBe('first, of all');
    expect(run.dataMap).toEqual([{ id: 0, confidence: 0.5, variability: 0.2, correctness: 0.5, region: 'ambiguous' }]);
    expect(run.samples).toEqual({});
    expect(run.problems.join('\n')).toMatch(/el2n\.csv: field 'id': line 2/);
    // The name with a comma is one cell of the report's ranking, not two.
    const { html } = await buildReport([dir]);
    expect(html).toContain('<td>first, of all</td><td>2</td><td>3</td><td>S3</td>');
  });
});

describe("metrics.json's forgetting section: one builder, checked by the run writer", () => {
  // Four samples over four steps: 0 never learned, 1 learned for good, 2 and 3 forgotten once.
  const correct = [
    [0, 0, 0, 0],
    [0, 1, 1, 1],
    [1, 0, 1, 1],
    [0, 1, 0, 1],
  ];
  const history = History.fromMatrix({ ids: Int32Array.from([0, 1, 2, 3]), series: 'presentation', steps: 4, correct: (p, t) => correct[p]![t] as 0 | 1 });

  it('round-trips through summarize and readRunMetrics, with the clean/noisy split and the scales', () => {
    const dir = tmp();
    const analysis = analyze(history, { groups: [Int32Array.from([0, 1]), Int32Array.from([2, 3])] });
    const split = analyzeByNoise(history, new Set([3]));
    const scales = { element: { value: 0.5, amplitude: 0.25 }, meso: null, system: { value: 1, amplitude: 0 } };
    const section = forgettingSection({ series: 'presentation', analysis, split, scales });
    expect(section).toMatchObject({ series: 'presentation', samples: 4, S1: 1, S2: 1, S3: 2, events: 2, regime: analysis.regime, clean: { samples: 3 }, noisy: { samples: 1 }, scales });
    runWriter({ dir, config: {}, tensorboard: false }).summarize('forgetting', section);
    expect(readRunMetrics(runFiles(dir).metrics).forgetting).toEqual(JSON.parse(JSON.stringify(section)));
  });

  it('writes null for what could not be computed (no meso groups), never omits it', () => {
    const section = forgettingSection({ series: 'presentation', analysis: analyze(history) });
    expect(section.mesoSettledRatio).toBeNull();
    expect(section).not.toHaveProperty('clean');
    expect(section).not.toHaveProperty('scales');
  });
});
