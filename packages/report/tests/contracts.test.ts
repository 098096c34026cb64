import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { readPerSampleCsv } from '@mgdl/forgetting';
import { train, type KernelPlugin, type TrainingData } from '@mgdl/kernel';
import { buildReport, readEventFile, readRunMetrics, readRunParams, readScaleTraces, readTagCsv, runFiles, runWriter, RunFileError } from '../src/index.js';
import { writeFakeRun } from './fixtures/fake-run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mgdl-contracts-'));

/** Runs `read` and returns its error, which must be a RunFileError. */
const failure = (read: () => unknown): RunFileError => {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(RunFileError);
    return error as RunFileError;
  }
  throw new Error('expected the reader to refuse the file');
};

describe('run files: one type, one reader next to the writer', () => {
  it('reads back what the writer wrote', () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 3, grid: { width: 2 } });
    const files = runFiles(dir);
    expect(readRunParams(files.params).grid).toEqual({ width: 2 });
    const metrics = readRunMetrics(files.metrics);
    expect(metrics.epoch).toBe(3);
    expect(metrics.forgetting?.series).toBe('presentation');
    expect(readScaleTraces(files.traces).compromise?.epoch).toEqual([1, 2, 3]);
    expect(readPerSampleCsv(readFileSync(files.samples('forgetting'), 'utf8')).ids).toHaveLength(200);
    expect(readTagCsv(files.tagCsv('train/loss')).map((row) => [row.step, row.epoch])).toEqual([[10, 0], [20, 1], [30, 2]]);
  });

  it('names the file and the field of a malformed file', () => {
    const dir = tmp();
    const path = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const metrics = path('metrics.json', JSON.stringify({ epoch: 2, test: { loss: 'low', samples: 10 } }));
    expect(failure(() => readRunMetrics(metrics))).toMatchObject({ file: metrics, field: 'test.loss' });
    expect(failure(() => readRunMetrics(metrics)).message).toMatch(/metrics\.json: field 'test\.loss': /);
    const forgetting = path('forgetting-metrics.json', JSON.stringify({ forgetting: { samples: 3 } }));
    expect(failure(() => readRunMetrics(forgetting)).field).toMatch(/^forgetting\./);
    const truncated = path('cut.json', '{"epoch": 2, "tr');
    expect(failure(() => readRunMetrics(truncated)).message).toMatch(/cut\.json: not valid JSON/);
    const params = path('params.json', JSON.stringify({ config: {}, seed: 'zero', epochs: 1, batchesPerEpoch: 1, packages: {}, git: null, created: '' }));
    expect(failure(() => readRunParams(params)).field).toBe('seed');
    // The report crashed with "Cannot read properties of undefined (reading 'map')" on this one.
    const traces = path('traces.json', JSON.stringify({ compromise: { epoch: [1, 2], M: [0.5, 0.6] } }));
    expect(failure(() => readScaleTraces(traces)).field).toBe('compromise.F');
    const lengths = path('lengths.json', JSON.stringify({ scales: { element: [], meso: [], system: [{ label: 'all', epoch: [1, 2], value: [1] }] } }));
    expect(failure(() => readScaleTraces(lengths)).message).toMatch(/field 'scales\.system\.0': epoch and value differ in length/);
    expect(failure(() => readRunMetrics(join(dir, 'absent.json'))).message).toMatch(/absent\.json: cannot read it \(ENOENT\)/);
    const tag = path('train__loss.csv', 'step,epoch,value\n1,0,0.5\n2,0,oops\n');
    expect(failure(() => readTagCsv(tag)).message).toMatch(/train__loss\.csv: line 3 is "2,0,oops"/);
    expect(failure(() => readTagCsv(path('headless.csv', '1,0,0.5\n'))).message).toMatch(/header is "1,0,0\.5", expected 'step,epoch,value'/);
  });

  it('reads per-sample CSVs strictly, naming file, line and column', () => {
    const header = 'id,learning_events,forgetting_events,first_learned,learned_for_good,first_forgotten,final_correct,set,noisy';
    expect(() => readPerSampleCsv('id,set\n1,S1\n', { file: 'f.csv' })).toThrow(/f\.csv, line 1: no column 'learning_events'/);
    expect(() => readPerSampleCsv(`${header}\n1,1,0,0,0,-1,1,S2,0\n2,1,x,0,0,-1,1,S2,0\n`, { file: 'f.csv' })).toThrow(/f\.csv, line 3, column 3: forgetting_events is "x", not an integer/);
    expect(() => readPerSampleCsv(`${header}\n1,1,0,0,0,-1,1,S4,0\n`, { file: 'f.csv' })).toThrow(/line 2, column 8: set is "S4"/);
    expect(() => readPerSampleCsv(`${header}\n1,1,0,0,0,-1,1,S2\n`, { file: 'f.csv' })).toThrow(/line 2: 8 cells, the header has 9/);
    const table = readPerSampleCsv(`${header}\n7,2,1,0,3,1,1,S3,1\n`);
    expect({ id: table.ids[0], events: table.forgettingEvents[0], set: table.set[0], noisy: table.noisy?.[0] }).toEqual({ id: 7, events: 1, set: 3, noisy: 1 });
  });

  it('refuses to write traces or a forgetting section its reader would refuse', () => {
    const writer = runWriter({ dir: tmp(), config: {}, tensorboard: false });
    expect(() => writer.writeTraces({ compromise: { epoch: [1, 2], M: [0.1], F: [0.9, 0.8], ratio: [0.1, 0.2] } })).toThrow(/traces\.json: field 'compromise': M, F and ratio need one value per epoch/);
    expect(() => writer.summarize('forgetting', { samples: 3 } as never)).toThrow(/metrics\.json: field 'forgetting\.steps'/);
  });

  it('lists a malformed file in the report instead of crashing', async () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 3 });
    writeFileSync(runFiles(dir).traces, JSON.stringify({ compromise: { epoch: [1], M: [0.5] } }));
    writeFileSync(runFiles(dir).samples('forgetting'), 'id,set\n1,S1\n');
    const { html, usable } = await buildReport([dir]);
    expect(usable).toBe(true);
    expect(html).toContain('traces.json: field &#39;compromise.F&#39;');
    expect(html).toMatch(/forgetting\.csv, line 1: no column/);
    expect(html).toContain('loss and accuracy per epoch');
  });

  it('loads run directories written before 0.2, whose grid values were under "sweep"', async () => {
    const dir = tmp();
    writeFakeRun(dir, { epochs: 2 });
    const params = JSON.parse(readFileSync(runFiles(dir).params, 'utf8'));
    const { grid, ...rest } = params;
    writeFileSync(runFiles(dir).params, JSON.stringify({ ...rest, sweep: { width: 3 } }));
    expect(readRunParams(runFiles(dir).params).grid).toEqual({ width: 3 });
    expect(grid).toEqual({});
  });
});

describe('a run that fails', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it('keeps every record up to the failure and a complete, readable TensorBoard file', async () => {
    const dir = tmp();
    const model = () => {
      const m = tfl.sequential();
      m.add(tfl.layers.dense({ inputShape: [4], units: 2 }));
      return m;
    };
    const data: TrainingData = {
      batchesPerEpoch: 5,
      *epoch(epoch, from = 0) {
        for (let index = from; index < 5; index++) {
          const ids = Int32Array.from({ length: 8 }, (_, i) => index * 8 + i);
          yield { x: tf.randomNormal([8, 4], 0, 1, 'float32', epoch * 10 + index), y: tf.tensor1d(Array.from(ids, (id) => id % 2), 'int32'), ids, index };
        }
      },
    };
    const thrower: KernelPlugin = {
      name: 'thrower',
      onBatchEnd: (event) => {
        if (event.epoch === 1 && event.batchIndex === 2) throw new Error('plugin failed mid-epoch');
      },
    };
    const writer = runWriter({ dir, config: {}, batchLossEvery: 1 });
    await expect(train({ model, data, epochs: 3, learningRate: 0.01, plugins: [thrower, writer], progress: false })).rejects.toThrow('plugin failed mid-epoch');
    const files = runFiles(dir);
    // The batch losses of the failed epoch were still pending: only onRunError writes them. Step 8's
    // is not among them: the thrower ran before the writer (a 'post' plugin) saw that batch.
    const batchSteps = (records: { tag: string; step: number }[]) => records.filter((r) => r.tag === 'train/batch_loss').map((r) => r.step);
    const events = readFileSync(files.events, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { tag: string; step: number });
    expect(batchSteps(events)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const eventFile = join(files.tensorboard, readdirOne(files.tensorboard));
    const scalars = readEventFile(eventFile).flatMap((record) => record.scalars.map((value) => ({ tag: value.tag, step: record.step })));
    expect(batchSteps(scalars)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(scalars.filter((s) => s.tag === 'train/loss').map((s) => s.step)).toEqual([5]);
    expect(readRunMetrics(files.metrics).run).toMatchObject({ epochs: 1, steps: 8, error: 'plugin failed mid-epoch' });
  });
});

function readdirOne(dir: string): string {
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return names[0]!;
}
