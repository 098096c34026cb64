import * as tf from '@tensorflow/tfjs-core';
import type { SeededMathRandom } from '@mgdl/random';
import { perSampleRows, unpackPerSample } from '../evaluate.js';
import { correctness, type LossFunction } from '../loss.js';
import type { Optimizer } from '../optimizers/types.js';
import { transformGrads } from '../step.js';
import type { KernelBatch, KernelPlugin, PerSample, StepContext } from '../types.js';
import type { MemberNets } from './member-nets.js';

/** What one ensemble step reports for one member. */
export interface MemberStepResult {
  meanLoss: number;
  correct: number;
  /** Its plugins' loss terms, `<plugin>/<term>`, as train() logs them. */
  terms: Record<string, number>;
  /** The rate it stepped at: the step's base rate × its plugins' factors. */
  learningRate: number;
  perSample?: PerSample;
}

/** A member's plugins that change training, with the step context they see; undefined for a member without any, or one that has ended. */
export type MemberMutators = { plugins: readonly KernelPlugin[]; ctx: StepContext } | undefined;

export interface EnsembleStepOptions {
  loss: LossFunction;
  optimizer: Optimizer;
  /** The step's base rate (× schedule): each member's plugins' factors multiply it. */
  learningRate: number;
  /** One per member: where its dropout masks come from. */
  dropoutStreams: readonly SeededMathRandom[];
  mutators: readonly MemberMutators[];
  keepPerSample: boolean;
  keepLogits: boolean;
}

/**
 * One step of every member at once: forward on each member's own batch, per-sample loss on all
 * members' rows together, each member's plugins' loss terms on its own rows, loss = Σ_members
 * (mean + terms) + L2 (each term depends on its member's variables only, so each member's gradient
 * is exactly its own), gradients, each member's plugins' gradient transforms on its own gradients,
 * one optimizer update of all members' variables (elementwise, so per member) at each member's own
 * learning rate. Every member's mean loss, terms and correct count (or per-sample arrays) come down in one transfer.
 */
export async function ensembleStep(nets: MemberNets, batches: readonly KernelBatch[], options: EnsembleStepOptions): Promise<MemberStepResult[]> {
  const { loss, optimizer, learningRate, dropoutStreams, mutators, keepPerSample, keepLogits } = options;
  const [members, rows] = [batches.length, batches[0]!.ids.length];
  const y = tf.concat(batches.map((batch) => batch.y));
  let kept: { logits: tf.Tensor2D; perSample: tf.Tensor1D; means: tf.Tensor1D; terms: MemberTerms[] } | undefined;
  const variables = nets.variables;
  const { value, grads } = tf.variableGrads(() => {
    // Members side by side as one batch of members·rows samples: the loss's row-wise ops are each member's own.
    const logits = nets.forward(batches.map((batch) => batch.x), dropoutStreams);
    const perSample = loss.perSample(logits, y);
    const means = tf.mean(tf.reshape(perSample, [members, rows]), 1) as tf.Tensor1D;
    const terms = memberTerms(batches, logits, perSample, mutators, dropoutStreams);
    kept = { logits: tf.keep(logits), perSample: tf.keep(perSample), means: tf.keep(means), terms: terms.map((t) => ({ ...t, values: t.values.map((v) => tf.keep(v)) })) };
    // Penalties after the terms, as train() adds them: the order in which a variable's gradients are summed.
    const penalty = nets.penalty();
    const parts = [tf.sum(means) as tf.Scalar, ...terms.flatMap((t) => t.values), ...(penalty ? [penalty] : [])];
    return parts.length === 1 ? parts[0]! : (tf.addN(parts) as tf.Scalar);
  }, variables);
  value.dispose();
  let gradients = grads;
  mutators.forEach((own, m) => {
    if (!own?.plugins.some((p) => p.transformGrads)) return;
    gradients = nets.transformMember(gradients, m, (memberGrads) => transformGrads(own.plugins, memberGrads, own.ctx));
  });
  const rates = mutators.map((own) => own?.plugins.reduce((rate, p) => (p.adjustLearningRate ? rate * p.adjustLearningRate(own.ctx) : rate), learningRate) ?? learningRate);
  // Only a member whose factors moved its rate needs rates per variable (then the layout has them: trainEnsemble refuses such plugins with stacked products).
  const perVariable = rates.some((rate) => rate !== learningRate) ? nets.variableMembers!().map((m) => rates[m]!) : learningRate;
  optimizer.apply(variables, variables.map((v) => gradients[v.name]!), perVariable);
  tf.dispose(Object.values(gradients));

  const { logits, perSample, means, terms } = kept!;
  const termValues = terms.flatMap((t) => t.values);
  const packed = tf.tidy(() => {
    const scalars = tf.reshape(means, [members, 1]);
    let perMember: tf.Tensor;
    if (!keepPerSample) {
      const counts = loss.classification ? tf.sum(tf.reshape(correctness(logits, y), [members, rows]), 1) : tf.zeros([members]);
      perMember = tf.concat([scalars, tf.reshape(tf.cast(counts, 'float32'), [members, 1])], 1);
    } else perMember = tf.concat([scalars, perMemberValues(logits, y, loss, perSample, members, keepLogits)], 1);
    // The terms after every member's row.
    return termValues.length === 0 ? perMember : tf.concat([tf.reshape(perMember, [-1]), tf.stack(termValues)]);
  });
  const classes = keepLogits && loss.classification ? logits.shape[1] : 0;
  const values = (await packed.data()) as Float32Array;
  tf.dispose([packed, y, logits, perSample, means, ...termValues]);
  const width = (values.length - termValues.length) / members;
  const termsOf = termsByMember(terms, values.subarray(members * width), members);
  return batches.map((batch, m) => {
    const row = values.subarray(m * width, (m + 1) * width);
    const common = { meanLoss: row[0]!, terms: termsOf[m]!, learningRate: rates[m]! };
    if (!keepPerSample) return { ...common, correct: row[1]! };
    const samples = unpackPerSample(row.subarray(1), batch.ids, loss.classification, classes);
    return { ...common, correct: samples.correct?.reduce((sum, c) => sum + c, 0) ?? 0, perSample: samples };
  });
}

/** One member's loss terms of a step, named `<plugin>/<term>`. */
interface MemberTerms {
  member: number;
  names: string[];
  values: tf.Scalar[];
}

/**
 * Every member's plugins' loss terms (inside the gradient tape), each on its own forward pass: its
 * batch and its rows of the logits and per-sample loss, with Math.random drawing from its own
 * stream (as in its solo run, where a term that runs the model in training mode draws its dropout masks from the run's).
 */
function memberTerms(batches: readonly KernelBatch[], logits: tf.Tensor2D, perSample: tf.Tensor, mutators: readonly MemberMutators[], streams: readonly SeededMathRandom[]): MemberTerms[] {
  const rows = batches[0]!.ids.length;
  const found: MemberTerms[] = [];
  mutators.forEach((own, m) => {
    const plugins = own?.plugins.filter((p) => p.lossTerms) ?? [];
    if (plugins.length === 0) return;
    const batch = batches[m]!;
    const forward = { x: batch.x, y: batch.y, logits: tf.slice(logits, [m * rows, 0], [rows, -1]), perSampleLoss: tf.slice(perSample, [m * rows], [rows]) as tf.Tensor1D, ids: batch.ids };
    const terms: MemberTerms = { member: m, names: [], values: [] };
    streams[m]!.install();
    try {
      for (const plugin of plugins) {
        for (const [name, term] of Object.entries(plugin.lossTerms!(forward, own!.ctx))) {
          terms.names.push(`${plugin.name}/${name}`);
          terms.values.push(term);
        }
      }
    } finally {
      streams[m]!.uninstall();
    }
    found.push(terms);
  });
  return found;
}

/** Each member's terms by name, from their values downloaded in `terms`' order. */
function termsByMember(terms: readonly MemberTerms[], values: Float32Array, members: number): Record<string, number>[] {
  const byMember = Array.from({ length: members }, (): Record<string, number> => ({}));
  let at = 0;
  for (const { member, names } of terms) for (const name of names) byMember[member]![name] = values[at++]!;
  return byMember;
}

/**
 * Member m's row holds what perSampleValues packs for its batch alone: its per-sample rows, then
 * (withLogits, classification) its logits and labels; `unpackPerSample` reads a row back. `logits`
 * and `y` hold the members' rows side by side (call inside tf.tidy).
 */
export function perMemberValues(logits: tf.Tensor2D, y: tf.Tensor, loss: LossFunction, perSample: tf.Tensor | undefined, members: number, withLogits: boolean): tf.Tensor2D {
  const rows = logits.shape[0] / members;
  const stats = perSampleRows(logits, y, loss, perSample);
  const statRows = stats.shape[0];
  const parts = [tf.reshape(tf.transpose(tf.reshape(stats, [statRows, members, rows]), [1, 0, 2]), [members, statRows * rows])];
  if (withLogits && loss.classification) parts.push(tf.reshape(logits, [members, -1]), tf.reshape(tf.cast(y, 'float32'), [members, rows]));
  return tf.concat(parts, 1) as tf.Tensor2D;
}
