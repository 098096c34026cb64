import { describe, expect, it } from 'vitest';
import { mgdl } from './run.js';

describe('mgdl models', () => {
  it('lists every zoo model', () => {
    const run = mgdl('models', 'list', '--json');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { name: string }[]).map((m) => m.name)).toEqual(['fcnn', 'cnn4', 'mcnn', 'textcnn', 'toneva-mnist', 'regression-mlp']);
  });

  it('describes a model built from flags: layers, output shape, trainable params', () => {
    const run = mgdl('models', 'info', 'mcnn', '--width', '10', '--input-shape', '32,32,1', '--json');
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.params).toBe(39330 - 2 * 9 * 10); // one input channel instead of three
    expect(info.outputShape).toEqual([null, 10]);
    expect(info.layers).toHaveLength(18);
    const table = mgdl('models', 'info', 'cnn4');
    expect(table.stdout).toContain('params (trainable): 1,199,882');
  });

  it('rejects bad options with the model, option and allowed values', () => {
    const width = mgdl('models', 'info', 'mcnn', '--width', '0');
    expect(width.status).toBe(1);
    expect(width.stderr).toContain('mcnn: option width = 0 is invalid; expected an integer ≥ 1');
    const foreign = mgdl('models', 'info', 'fcnn', '--vocab-size', '3');
    expect(foreign.stderr).toContain("fcnn: no option 'vocabSize'");
    expect(mgdl('models', 'info', 'resnet').stderr).toContain("unknown model 'resnet'");
  });
});
