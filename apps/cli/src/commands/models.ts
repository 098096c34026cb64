import { Command, InvalidArgumentError } from 'commander';
import { initBackend } from '@mgdl/backend';
import { buildModel, describeModel, modelNames, modelZoo, zooEntry, type ModelSummary, type ZooOptions } from '@mgdl/models';
import { formatTable } from '../table.js';

const number = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got '${value}'`);
  return n;
};

const shape = (value: string): number[] => {
  const dims = value.split(',').map(Number);
  if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw new InvalidArgumentError(`--input-shape must be positive integers like 28,28,1, got '${value}'`);
  return dims;
};

const flags: [flag: string, option: keyof ZooOptions, help: string, parse: (v: string) => unknown][] = [
  ['--width <n>', 'width', 'width knob (see `models list`)', number('--width')],
  ['--dropout <rate>', 'dropout', 'dropout rate in [0, 1)', number('--dropout')],
  ['--l2 <lambda>', 'l2', 'L2 λ: penalty λ·Σw² over conv/dense kernels', number('--l2')],
  ['--classes <n>', 'classes', 'output classes', number('--classes')],
  ['--input-shape <dims>', 'inputShape', 'image input shape, e.g. 32,32,1', shape],
  ['--input-size <n>', 'inputSize', 'flat input size (fcnn, regression-mlp)', number('--input-size')],
  ['--outputs <n>', 'outputs', 'regression targets (regression-mlp)', number('--outputs')],
  ['--vocab-size <n>', 'vocabSize', 'vocabulary size (textcnn)', number('--vocab-size')],
  ['--sequence-length <n>', 'sequenceLength', 'tokens per sample (textcnn)', number('--sequence-length')],
];

export function modelsCommand(): Command {
  const models = new Command('models').description('the model zoo of the seed experiments');

  models
    .command('list')
    .description('every model with its layout and the seed experiment its defaults follow')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const rows = modelZoo.map((m) => ({ name: m.name, summary: m.summary, defaults: m.defaults, options: m.options }));
      console.log(options.json ? JSON.stringify(rows, null, 2) : formatTable(['model', 'layout', 'defaults'], rows.map((r) => [r.name, r.summary, r.defaults])));
    });

  const info = models
    .command('info')
    .argument('<name>', `model: ${modelNames.join(', ')}`)
    .description('build a model and print its layers, output shapes and trainable parameter count')
    .option('--json', 'print as JSON');
  for (const [flag, , help, parse] of flags) info.option(flag, help, parse as (value: string) => number);
  info.action(async (name: string, options: Record<string, unknown>) => {
    if (!modelNames.includes(name)) throw new InvalidArgumentError(`unknown model '${name}'; known: ${modelNames.join(', ')}`);
    const zooOptions = Object.fromEntries(flags.map(([, key]) => [key, options[key]]).filter(([, v]) => v !== undefined)) as ZooOptions;
    await initBackend({ backend: 'cpu' }); // weights need a backend; building is not compute-bound
    const summary = describeModel(buildModel(name, zooOptions));
    console.log(options['json'] ? JSON.stringify({ model: name, options: zooOptions, ...summary }, null, 2) : formatSummary(name, summary));
  });
  return models;
}

function formatSummary(name: string, summary: ModelSummary): string {
  const shapeText = (s: unknown) => JSON.stringify(s).replaceAll('null', 'N');
  return [
    `${name} (${summary.name}): ${zooEntry(name).summary}`,
    formatTable(
      ['layer', 'type', 'output shape', 'params'],
      summary.layers.map((l) => [l.name, l.className, shapeText(l.outputShape), l.params.toLocaleString('en-US')]),
    ),
    `input ${shapeText(summary.inputShape)} → output ${shapeText(summary.outputShape)}`,
    `params (trainable): ${summary.params.toLocaleString('en-US')}; all weights incl. batch-norm statistics: ${summary.weights.toLocaleString('en-US')}`,
  ].join('\n');
}
