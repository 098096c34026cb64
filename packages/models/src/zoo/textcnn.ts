import * as tfl from '@tensorflow/tfjs-layers';
import { checkCommon, checkInteger, kernelL2, ModelOptionError, type CommonOptions } from '../options.js';
import { denseLayer } from '../dense.js';

export interface TextCnnOptions extends CommonOptions {
  /** Tokens in the vocabulary, padding and OOV included (from the dataset). */
  vocabSize?: number;
  /** Token ids per sample (from the dataset). */
  sequenceLength?: number;
  embeddingDim?: number;
  /** Filters per kernel height. */
  filters?: number;
}

/**
 * The TextCNN of the SIGUA reproduction (Han et al. 2020) on TREC: embedding 300 → for each kernel
 * height 3…w a conv of 100 filters → ReLU → max over time → concat → dense 300 → ReLU → dropout →
 * dense classes. Seed 2's "width w = 5" is read as the largest kernel height: w = 5 gives the
 * published heights 3, 4, 5. Defaults: TREC coarse (6 classes), vocabulary 8,680, length 40.
 */
export function textcnn({
  width = 5,
  dropout = 0.5,
  l2 = 0,
  classes = 6,
  vocabSize = 8680,
  sequenceLength = 40,
  embeddingDim = 300,
  filters = 100,
}: TextCnnOptions = {}): tfl.LayersModel {
  checkCommon('textcnn', { width, dropout, l2, classes });
  if (width < 3) throw new ModelOptionError('textcnn', 'width', width, 'the largest kernel height, an integer ≥ 3');
  checkInteger('textcnn', 'vocabSize', vocabSize, 2);
  checkInteger('textcnn', 'sequenceLength', sequenceLength, width);
  checkInteger('textcnn', 'embeddingDim', embeddingDim, 1);
  checkInteger('textcnn', 'filters', filters, 1);
  const tokens = tfl.input({ shape: [sequenceLength], dtype: 'int32', name: 'tokens' });
  const embedded = tfl.layers.embedding({ inputDim: vocabSize, outputDim: embeddingDim, name: 'embedding' }).apply(tokens) as tfl.SymbolicTensor;
  const branches = Array.from({ length: width - 2 }, (_, i) => {
    const height = 3 + i;
    const conv = tfl.layers.conv1d({ filters, kernelSize: height, activation: 'relu', name: `conv_h${height}`, ...kernelL2(l2) }).apply(embedded);
    return tfl.layers.globalMaxPooling1d({ name: `max_over_time_h${height}` }).apply(conv) as tfl.SymbolicTensor;
  });
  let features = branches.length > 1 ? (tfl.layers.concatenate({ name: 'concat' }).apply(branches) as tfl.SymbolicTensor) : branches[0]!;
  features = denseLayer({ units: 300, activation: 'relu', name: 'hidden', ...kernelL2(l2) }).apply(features) as tfl.SymbolicTensor;
  if (dropout > 0) features = tfl.layers.dropout({ rate: dropout, name: 'dropout' }).apply(features) as tfl.SymbolicTensor;
  const logits = denseLayer({ units: classes, name: 'logits', ...kernelL2(l2) }).apply(features) as tfl.SymbolicTensor;
  return tfl.model({ inputs: tokens, outputs: logits, name: `textcnn_w${width}` });
}
