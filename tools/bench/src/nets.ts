import type * as tfl from '@tensorflow/tfjs-layers';
import { mcnn, mlp } from '@mgdl/models';

/** A benchmark net: the same architecture as the PyTorch reference of the same name. */
export interface BenchNet {
  name: string;
  build: () => tfl.LayersModel;
  /** Per-sample input shape in tfjs (NHWC) layout. */
  inputShape: number[];
  classes: number;
}

export const benchNets: readonly BenchNet[] = [
  { name: 'mlp', build: () => mlp({ inputSize: 784, hidden: [512], classes: 10 }), inputShape: [784], classes: 10 },
  { name: 'mcnn3', build: () => mcnn({ width: 3 }), inputShape: [32, 32, 3], classes: 10 },
  { name: 'mcnn10', build: () => mcnn({ width: 10 }), inputShape: [32, 32, 3], classes: 10 },
];

export function selectNets(only: string | undefined): BenchNet[] {
  if (!only) return [...benchNets];
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !benchNets.some((net) => net.name === n));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown net(s) ${unknown.join(', ')}; known: ${benchNets.map((n) => n.name).join(', ')}`);
  }
  return benchNets.filter((net) => names.includes(net.name));
}
