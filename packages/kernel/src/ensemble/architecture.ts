import type * as tfl from '@tensorflow/tfjs-layers';
import { KernelError } from '../errors.js';

/** One Dense layer of a dense net, with what follows it: its activation and the dropout after it. */
export interface DenseLayerSpec {
  /** The layer in the member's own model, whose weights the ensemble trains in place. */
  layerIndex: number;
  inputSize: number;
  units: number;
  activation: 'relu' | 'linear' | 'tanh';
  /** λ of the kernel's L2 penalty λ·Σw² (0: none). */
  l2: number;
  /** Rate of the Dropout layer right after it (0: none). */
  dropout: number;
}

const ACTIVATIONS = new Set(['relu', 'linear', 'tanh']);

const refuse = (what: string): never => {
  throw new KernelError(
    `trainEnsemble: ${what}. Stacked products need a dense net: Flatten/Input, then Dense layers (ReLU, tanh or no activation, ` +
      "with bias, optional kernel L2) each optionally followed by Dropout — the zoo's mlp and fcnn; other nets train with products 'per-member'",
  );
};

interface LayerConfig {
  units?: number;
  activation?: string;
  useBias?: boolean;
  rate?: number;
  noiseShape?: unknown;
  seed?: unknown;
  kernelRegularizer?: { className: string; config: { l1?: number; l2?: number } } | null;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

/** The dense layers of `model`, refusing any layer the ensemble's forward pass would not compute exactly as tfjs-layers does. */
export function denseArchitecture(model: tfl.LayersModel): DenseLayerSpec[] {
  const specs: DenseLayerSpec[] = [];
  let inputSize = model.inputs.length === 1 ? (model.inputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1) : refuse(`model '${model.name}' has ${model.inputs.length} inputs`);
  model.layers.forEach((layer, layerIndex) => {
    const kind = layer.getClassName();
    const config = layer.getConfig() as LayerConfig;
    const where = `layer ${layerIndex} '${layer.name}' (${kind})`;
    if (kind === 'InputLayer' || (kind === 'Flatten' && specs.length === 0)) return;
    if (kind === 'Dropout') {
      const last = specs.at(-1) ?? refuse(`${where} comes before any Dense layer`);
      if (last.dropout > 0) refuse(`${where} follows another Dropout`);
      if (config.noiseShape != null || config.seed != null) refuse(`${where} has a noiseShape or seed`);
      last.dropout = config.rate!;
      return;
    }
    if (kind !== 'Dense') return refuse(`${where} is not a dense layer`);
    if (!ACTIVATIONS.has(config.activation!)) refuse(`${where} has activation '${config.activation}'`);
    if (!config.useBias) refuse(`${where} has no bias`);
    if (config.biasRegularizer || config.activityRegularizer || config.kernelConstraint || config.biasConstraint) refuse(`${where} has a bias or activity regularizer or a constraint`);
    const regularizer = config.kernelRegularizer;
    if (regularizer && (regularizer.className !== 'L1L2' || (regularizer.config.l1 ?? 0) !== 0)) refuse(`${where} has a kernel regularizer other than L2`);
    specs.push({ layerIndex, inputSize, units: config.units!, activation: config.activation as DenseLayerSpec['activation'], l2: regularizer?.config.l2 ?? 0, dropout: 0 });
    inputSize = config.units!;
  });
  if (specs.length === 0) refuse(`model '${model.name}' has no Dense layer`);
  if (specs.at(-1)!.dropout > 0) refuse(`model '${model.name}' ends in Dropout`);
  return specs;
}

/** Two members' architectures must be the same to train together; names the first difference. */
export function sameArchitecture(first: readonly DenseLayerSpec[], other: readonly DenseLayerSpec[], member: number): void {
  const show = (specs: readonly DenseLayerSpec[]) => specs.map((s) => `${s.inputSize}→${s.units} ${s.activation}${s.dropout ? ` dropout ${s.dropout}` : ''}${s.l2 ? ` l2 ${s.l2}` : ''}`).join(', ');
  if (show(first) !== show(other)) {
    throw new KernelError(`trainEnsemble: member ${member}'s model (${show(other)}) differs from member 0's (${show(first)}); an ensemble trains one architecture, so the model factory must build the same one on every call`);
  }
}

/** Whether `model` is a dense net the dense layouts compute (see denseArchitecture); any other runs as its own model (PerMemberModels). */
export function isDenseNet(model: tfl.LayersModel): boolean {
  try {
    denseArchitecture(model);
    return true;
  } catch (error) {
    if (error instanceof KernelError) return false;
    throw error;
  }
}
