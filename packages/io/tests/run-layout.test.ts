import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CELL_FILE_NAMES, EXPERIMENT_FILE_NAMES, experimentFiles, runFiles, SAMPLE_TABLES } from '../src/index.js';

describe('the run layout', () => {
  it("places a cell's files as readers of existing run directories expect them", () => {
    const files = runFiles(join('runs', 'cic-width', 'default', 'cells', 'width=4,seed=0'));
    const cell = join('runs', 'cic-width', 'default', 'cells', 'width=4,seed=0');
    expect(files.metrics).toBe(join(cell, 'metrics.json'));
    expect(files.params).toBe(join(cell, 'params.json'));
    expect(files.checkpoints).toBe(join(cell, 'checkpoints'));
    expect(files.done).toBe(join(cell, 'done.json'));
    expect(files.tagCsv('train/loss')).toBe(join(cell, 'metrics', 'train__loss.csv'));
    expect(files.samples(SAMPLE_TABLES.dataMap)).toBe(join(cell, 'samples', 'data-map.csv'));
    expect(files.gallery).toBe(join(cell, 'samples', 'gallery.json'));
  });

  it("places an experiment's files around its cells", () => {
    const files = experimentFiles(join('runs', 'cic-width', 'default'));
    expect(files.verdict).toBe(join('runs', 'cic-width', 'default', 'verdict.json'));
    expect(files.cells).toBe(join('runs', 'cic-width', 'default', 'cells'));
    expect(files.config).toBe(join('runs', 'cic-width', 'default', 'config.json'));
  });

  it('gives no two files of one directory the same name', () => {
    for (const names of [CELL_FILE_NAMES, EXPERIMENT_FILE_NAMES, SAMPLE_TABLES]) expect(new Set(Object.values(names)).size).toBe(Object.values(names).length);
  });
});
