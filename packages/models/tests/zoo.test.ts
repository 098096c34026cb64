import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { buildModel, describeModel, modelNames, ModelOptionError, trainableParams } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const params = (name: string, options = {}) => {
  const model = buildModel(name, options);
  const count = trainableParams(model);
  model.dispose();
  return count;
};

describe('published parameter counts', () => {
  it.each([
    [1, 540],
    [3, 3868],
    [10, 39330],
    [64, 1558026],
  ])('mcnn k=%i: %i', (width, count) => expect(params('mcnn', { width })).toBe(count));

  it('cnn4 on MNIST: 1,199,882', () => expect(params('cnn4')).toBe(1199882));
  it('toneva-mnist: 21,840 (the PyTorch MNIST example net)', () => expect(params('toneva-mnist')).toBe(21840));
  it.each([1, 4, 10])('fcnn w=%i: 12,720·w + 10', (width) => expect(params('fcnn', { width })).toBe(12720 * width + 10));
  it('textcnn on TREC: embedding + three conv heights + dense 300 + logits', () => {
    const [vocab, emb, f] = [8680, 300, 100];
    expect(params('textcnn')).toBe(vocab * emb + (3 + 4 + 5) * emb * f + 3 * f + (3 * f * 300 + 300) + (300 * 6 + 6));
  });
});

describe('output shapes and defaults', () => {
  it.each([
    ['fcnn', {}, [null, 784], [null, 10]],
    ['fcnn', { inputShape: [28, 28, 1], width: 2 }, [null, 28, 28, 1], [null, 10]],
    ['cnn4', {}, [null, 28, 28, 1], [null, 10]],
    ['mcnn', {}, [null, 32, 32, 3], [null, 10]],
    ['mcnn', { inputShape: [32, 32, 1], classes: 100 }, [null, 32, 32, 1], [null, 100]],
    ['textcnn', {}, [null, 40], [null, 6]],
    ['textcnn', { vocabSize: 100, sequenceLength: 12, classes: 50, width: 3 }, [null, 12], [null, 50]],
    ['toneva-mnist', {}, [null, 28, 28, 1], [null, 10]],
    ['regression-mlp', { inputSize: 6, outputs: 2 }, [null, 6], [null, 2]],
  ])('%s %j: input %j → output %j', (name, options, input, output) => {
    const summary = describeModel(buildModel(name, options));
    expect(summary.inputShape).toEqual(input);
    expect(summary.outputShape).toEqual(output);
    expect(summary.layers.reduce((n, l) => n + l.params, 0)).toBe(summary.params);
  });

  it('lists every model', () => {
    expect(modelNames).toEqual(['fcnn', 'cnn4', 'mcnn', 'textcnn', 'toneva-mnist', 'regression-mlp']);
  });
});

describe('option validation', () => {
  it.each([
    ['mcnn', { width: 0 }, /mcnn: option width = 0 is invalid; expected an integer ≥ 1/],
    ['mcnn', { inputShape: [28, 28, 1] }, /pad 28×28 images/],
    ['cnn4', { dropout: 1 }, /dropout = 1 .* a rate in \[0, 1\)/],
    ['fcnn', { l2: -0.1 }, /l2 = -0.1/],
    ['textcnn', { width: 2 }, /largest kernel height/],
    ['textcnn', { sequenceLength: 4 }, /sequenceLength = 4 .* ≥ 5/],
    ['fcnn', { vocabSize: 10 }, /fcnn: no option 'vocabSize'; fcnn takes width, dropout, l2, classes, inputSize, inputShape, unitsPerWidth/],
    ['resnet', {}, /one of fcnn, cnn4, mcnn/],
  ])('%s %j is rejected', (name, options, message) => {
    expect(() => buildModel(name, options)).toThrow(ModelOptionError);
    expect(() => buildModel(name, options)).toThrow(message);
  });
});
