import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher } from '@mgdl/datasets';
import { train, type KernelPlugin } from '@mgdl/kernel';
import { forgettingStatistics, historyToCsv } from '../src/index.js';
import { interchangeWriter, readDynamics } from '../src/node.js';
import { toyDataset, toyModel } from './toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const data = toyDataset(48);
const run = (dir: string, plugins: KernelPlugin[]) =>
  train({
    model: toyModel,
    data: new Batcher(data, { batchSize: 16, seed: 3 }),
    epochs: 4,
    learningRate: 0.02,
    seed: 5,
    checkpoint: { dir: join(dir, 'checkpoints') },
    resume: true,
    plugins,
    progress: false,
  });

describe('interchangeWriter', () => {
  it("writes the kernel's own logits in the interchange format: read back, they give the history the kernel recorded", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-interchange-'));
    const file = join(dir, 'dynamics.jsonl');
    const stats = forgettingStatistics({ ids: data.ids, mode: 'presentation' });
    const writer = interchangeWriter({ file });
    await run(dir, [stats, writer]);
    expect(writer.records()).toBe(4 * 48);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ format: 'mgdl-dynamics', version: 1, series: 'presentation' });
    expect(lines).toHaveLength(1 + 4 * 48);
    const first = JSON.parse(lines[1]!) as { id: number; step: number; label: number; logits: number[] };
    expect(first.step).toBe(0);
    expect(first.label).toBe(data.labels[first.id]);
    expect(first.logits).toHaveLength(2);
    const imported = readDynamics([file]);
    expect(imported.steps).toEqual([0, 1, 2, 3]);
    // The import numbers samples in the order they first appear: compare the rows by id.
    const rows = (csv: string) => csv.trimEnd().split('\n').sort();
    expect(rows(historyToCsv(imported.recorder.history()))).toEqual(rows(historyToCsv(stats.history('presentation'))));
  });

  it('continues after a resume without repeating or losing a record: the file equals an uninterrupted run', () => {
    const event = (epoch: number, id: number) => ({ epoch, step: 0, ids: Int32Array.of(id), logits: Float32Array.of(id / 3, -id), labels: Int32Array.of(id % 2) });
    const events = [event(0, 1), event(0, 2), event(1, 1), event(1, 2)];
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-interchange-resume-'));
    const straight = interchangeWriter({ file: join(dir, 'straight.jsonl') });
    straight.onRunStart!({ inferencePass: false, resumed: false });
    events.forEach((e) => straight.onBatchEnd!(e));
    straight.onRunEnd!();

    const file = join(dir, 'resumed.jsonl');
    const first = interchangeWriter({ file });
    first.onRunStart!({ inferencePass: false, resumed: false });
    first.onBatchEnd!(events[0]!);
    first.onCheckpoint!();
    const checkpoint = JSON.parse(JSON.stringify(first.stateDict!()));
    first.onBatchEnd!(events[1]!); // written after the checkpoint, then the process dies
    const second = interchangeWriter({ file });
    second.loadStateDict!(checkpoint);
    second.onRunStart!({ inferencePass: false, resumed: true });
    events.slice(1).forEach((e) => second.onBatchEnd!(e));
    second.onRunEnd!();
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(dir, 'straight.jsonl'), 'utf8'));
    expect(readDynamics([file]).steps).toEqual([0, 1]);

    const lost = interchangeWriter({ file: join(dir, 'gone.jsonl') });
    lost.loadStateDict!(checkpoint);
    expect(() => lost.onRunStart!({ inferencePass: false, resumed: true })).toThrow(/gone\.jsonl: the file is missing, the checkpoint recorded \d+: it was changed or removed since; delete the checkpoint/);
  });

  it('refuses a run without an inference pass for the inference-pass series, before training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-interchange-pass-'));
    await expect(run(dir, [interchangeWriter({ file: join(dir, 'd.jsonl'), series: 'inference-pass' })])).rejects.toThrow(/interchangeWriter records the 'inference-pass' series, but this run has no inference pass/);
  });
});
