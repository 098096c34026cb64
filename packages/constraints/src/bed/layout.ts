import * as tf from '@tensorflow/tfjs-core';
import type { FluidizedBed, StructureOptions } from '@mgdl/fluidization';
import { ConstraintError } from '../errors.js';

/** Model-input columns a bed constraint understands (SI units after de-scaling). */
export const bedInputNames = [
  'superficialVelocity', // U, m/s
  'particleDiameter', // dp, m
  'particleDensity', // ρp, kg/m³
  'particleSphericity', // φs
  'gasDensity', // ρg, kg/m³
  'gasViscosity', // μg, Pa·s
  'minFluidizationVoidage', // ε_mf
] as const;
export type BedInputName = (typeof bedInputNames)[number];

/** Model-output columns a bed constraint understands (the structure of `solveStructure`, SI units). */
export const bedOutputNames = [
  'emulsionVoidage', // ε_e
  'emulsionVelocity', // U_e, m/s, superficial through the emulsion
  'bubbleFraction', // δ
  'bubbleRiseVelocity', // u_b, m/s
] as const;
export type BedOutputName = (typeof bedOutputNames)[number];

/** raw = scaled·std + mean per column: how the model's (standardised) columns map to SI values. */
export interface Affine {
  mean: readonly number[];
  std: readonly number[];
}

export interface BedLayout {
  /** The bed. Quantities not among `inputs` are taken from here, the same for every sample. */
  system: FluidizedBed;
  /** Meaning of each model-input column; null for a column the constraints ignore. Default [U, dp, ρp]. */
  inputs?: readonly (BedInputName | null)[];
  /** Meaning of each model-output column; null for one they ignore. Default [ε_e, U_e, δ, u_b]. */
  outputs?: readonly (BedOutputName | null)[];
  /** De-scaling of the inputs (default: they are SI already). */
  inputScaling?: Affine;
  /** De-scaling of the outputs (default: they are SI already). */
  outputScaling?: Affine;
  /** f_w, c and the d_b closure, as in `solveStructure`; the same values must have made the training data. */
  structure?: StructureOptions;
}

export const DEFAULT_INPUTS: readonly BedInputName[] = ['superficialVelocity', 'particleDiameter', 'particleDensity'];
export const DEFAULT_OUTPUTS: readonly BedOutputName[] = ['emulsionVoidage', 'emulsionVelocity', 'bubbleFraction', 'bubbleRiseVelocity'];

/** Per-sample columns [b] or the bed's constant (a scalar), in SI. */
export type BedInputs = Record<BedInputName, tf.Tensor>;
export type BedOutputs = Record<BedOutputName, tf.Tensor>;

export interface ResolvedLayout {
  /** SI columns from the model input, the rest from the system. */
  inputsOf(x: tf.Tensor): BedInputs;
  /** SI columns from the model output (the names the constraint needs were checked to be there). */
  outputsOf(y: tf.Tensor): Partial<BedOutputs>;
  /** The SI input rows, downloaded (for the plain-number solver). */
  rowsOf(x: tf.Tensor): { [K in BedInputName]: number }[];
}

function checkNames<T extends string>(where: string, names: readonly (T | null)[], allowed: readonly T[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === null) continue;
    if (!allowed.includes(name)) throw new ConstraintError(`${where}: unknown column '${String(name)}'; known: ${allowed.join(', ')} (or null)`);
    if (seen.has(name)) throw new ConstraintError(`${where}: column '${name}' is listed twice`);
    seen.add(name);
  }
}

function checkAffine(where: string, affine: Affine | undefined, columns: number): void {
  if (!affine) return;
  if (affine.mean.length !== columns || affine.std.length !== columns) {
    throw new ConstraintError(`${where}: mean and std need one entry per column (${columns}), got ${affine.mean.length} and ${affine.std.length}`);
  }
  if (![...affine.mean, ...affine.std].every(Number.isFinite) || affine.std.some((s) => s === 0)) throw new ConstraintError(`${where}: mean and std must be finite and std non-zero`);
}

function constants(system: FluidizedBed): Record<BedInputName, number> {
  return {
    superficialVelocity: NaN, // no bed default: the gas velocity is the operating condition
    particleDiameter: system.particles.diameter,
    particleDensity: system.particles.density,
    particleSphericity: system.particles.sphericity,
    gasDensity: system.gas.density,
    gasViscosity: system.gas.viscosity,
    minFluidizationVoidage: system.bed.minFluidizationVoidage,
  };
}

function checkColumns(what: string, t: tf.Tensor, columns: number): void {
  if (t.rank !== 2 || t.shape[1] !== columns) throw new ConstraintError(`bed constraint: the model ${what} must have shape [b, ${columns}] (one column per layout entry), got [${t.shape.join(', ')}]`);
}

/** Validates a layout and returns column accessors; `needsVelocity` and `neededOutputs` say what the caller's constraint uses (U is the one input without a bed default). */
export function resolveLayout(layout: BedLayout, needsVelocity: boolean, neededOutputs: readonly BedOutputName[]): ResolvedLayout {
  const inputs = layout.inputs ?? DEFAULT_INPUTS;
  const outputs = layout.outputs ?? DEFAULT_OUTPUTS;
  checkNames('inputs', inputs, bedInputNames);
  checkNames('outputs', outputs, bedOutputNames);
  if (needsVelocity && !inputs.includes('superficialVelocity')) throw new ConstraintError("inputs: this constraint needs the column 'superficialVelocity'");
  for (const name of neededOutputs) if (!outputs.includes(name)) throw new ConstraintError(`outputs: this constraint needs the column '${name}'`);
  checkAffine('inputScaling', layout.inputScaling, inputs.length);
  checkAffine('outputScaling', layout.outputScaling, outputs.length);
  const fixed = constants(layout.system);
  const descale = (t: tf.Tensor, affine: Affine | undefined) => (affine ? tf.add(tf.mul(t, tf.tensor1d(affine.std as number[])), tf.tensor1d(affine.mean as number[])) : t);
  const split = <T extends string>(t: tf.Tensor, names: readonly (T | null)[]) => {
    const columns = tf.unstack(t, 1);
    return Object.fromEntries(names.flatMap((name, i) => (name === null ? [] : [[name, columns[i]!]]))) as Partial<Record<T, tf.Tensor>>;
  };
  return {
    inputsOf(x) {
      checkColumns('input', x, inputs.length);
      const given = split(descale(x, layout.inputScaling), inputs);
      return Object.fromEntries(bedInputNames.map((name) => [name, given[name] ?? tf.scalar(fixed[name])])) as BedInputs;
    },
    outputsOf(y) {
      checkColumns('output', y, outputs.length);
      return split(descale(y, layout.outputScaling), outputs);
    },
    rowsOf(x) {
      checkColumns('input', x, inputs.length);
      const raw = tf.tidy(() => descale(x, layout.inputScaling).dataSync());
      const width = inputs.length;
      return Array.from({ length: x.shape[0]! }, (_, r) => {
        const row = { ...fixed };
        inputs.forEach((name, c) => {
          if (name !== null) row[name] = raw[r * width + c]!;
        });
        return row;
      });
    },
  };
}
