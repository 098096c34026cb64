import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointState, NamedArray } from '../checkpoint.js';
import { emptyTally, epochMetricsFields, type EpochTally } from '../epoch-tally.js';
import { KernelError } from '../errors.js';
import type { Optimizer } from '../optimizers/types.js';
import type { EpochMetrics, RunSummary } from '../types.js';
import type { MemberNets } from './member-nets.js';
import type { MemberRun } from './member.js';

/** What a checkpoint holds for one member: its own stream, epochs, tally and plugin states. */
export interface MemberCheckpoint {
  seed: number;
  randomState: number;
  history: EpochMetrics[];
  epochTally: EpochTally;
  steps: number;
  /** Set when the member's run had ended (a plugin stopped it); its weights are then those it ended with. Its epoch metrics are stored once, under `history` (the file's key since before 0.2). */
  summary?: Omit<RunSummary, 'epochMetrics'>;
  plugins: Record<string, unknown>;
}

/**
 * An ensemble's checkpoint, in train()'s file format: the weights are every member's (`member<m>/<i>`)
 * and the optimizer state is the one update's over all of them; what is per member is in
 * `members`, so the run-level fields (seed, randomState, history, epochTally, plugins) stay empty.
 */
export interface EnsembleCheckpointState extends CheckpointState {
  members: MemberCheckpoint[];
}

const arraysOf = async (tensors: readonly tf.Tensor[], prefix: string): Promise<NamedArray[]> =>
  Promise.all(tensors.map(async (t, i) => ({ name: `${prefix}/${i}`, shape: [...t.shape], dtype: 'float32', values: new Float32Array(await t.data()) }) as NamedArray));

/** Everything to continue the ensemble at `position`; `kept` holds the final weights of members that ended early. */
export async function snapshot(
  nets: MemberNets,
  optimizer: Optimizer,
  members: readonly MemberRun[],
  kept: ReadonlyMap<MemberRun, tf.Tensor[]>,
  position: { epoch: number; batchIndex: number; step: number; fingerprint?: string },
): Promise<EnsembleCheckpointState> {
  const weights = (
    await Promise.all(
      members.map(async (member) => {
        const own = kept.get(member) ?? nets.weightsOf(member.index);
        const arrays = await arraysOf(own, `member${member.index}`);
        if (!kept.has(member)) tf.dispose(own);
        return arrays;
      }),
    )
  ).flat();
  // Kept in the per-member layout, so a run resumes whichever layout (stacked or not) it continues in.
  const optimizerState = nets.toMemberSlots(await optimizer.state());
  return {
    ...position,
    seed: 0,
    randomState: 0,
    history: [],
    plugins: {},
    epochTally: emptyTally(),
    weights,
    optimizer: { name: optimizer.name, scalars: optimizerState.scalars, slots: Object.entries(optimizerState.slots).map(([name, slot]) => ({ name, shape: slot.shape, dtype: 'float32', values: slot.values })) },
    members: members.map((member) => ({
      seed: member.member.seed,
      randomState: member.random.saved,
      history: member.epochMetrics,
      epochTally: member.tally,
      steps: member.steps,
      ...(member.summary ? { summary: summaryToStore(member.summary) } : {}),
      plugins: Object.fromEntries(member.plugins.filter((p) => p.stateDict).map((p) => [p.name, p.stateDict!()])),
    })),
  };
}

/** Puts `state` back into the members, their variables and the optimizer; members that had ended get their final weights kept aside again. */
export function restore(state: CheckpointState, dir: string, nets: MemberNets, optimizer: Optimizer, members: readonly MemberRun[], kept: Map<MemberRun, tf.Tensor[]>): void {
  const saved = (state as Partial<EnsembleCheckpointState>).members;
  const seeds = members.map((member) => member.member.seed).join(', ');
  if (!saved || saved.map((m) => m.seed).join(', ') !== seeds) {
    const held = saved ? `members with seeds ${saved.map((m) => m.seed).join(', ')}` : 'a train() run';
    throw new KernelError(`trainEnsemble: the checkpoint in ${dir} holds ${held}, this ensemble has seeds ${seeds}; delete that directory to start over, or checkpoint this ensemble elsewhere`);
  }
  const byName = new Map(state.weights.map((w) => [w.name, w]));
  members.forEach((_, m) => {
    const current = nets.weightsOf(m);
    const saved = current.map((variable, i) => {
      const weight = byName.get(`member${m}/${i}`);
      if (!weight || weight.shape.join() !== variable.shape.join()) {
        tf.dispose(current);
        throw new KernelError(`trainEnsemble: the checkpoint in ${dir} does not fit this architecture: member ${m}'s weight ${i} [${variable.shape.join(', ')}] is ${weight ? `[${weight.shape.join(', ')}]` : 'missing'} there`);
      }
      return tf.tensor(weight.values, weight.shape, 'float32');
    });
    nets.assignWeights(m, saved);
    tf.dispose([...current, ...saved]);
  });
  if (state.optimizer.name !== optimizer.name) throw new KernelError(`trainEnsemble: the checkpoint in ${dir} was written with optimizer '${state.optimizer.name}', this ensemble uses '${optimizer.name}'`);
  const memberSlots = { scalars: state.optimizer.scalars, slots: Object.fromEntries(state.optimizer.slots.map((s) => [s.name, { shape: s.shape, values: s.values as Float32Array }])) };
  optimizer.loadState(nets.fromMemberSlots(memberSlots), nets.variables);
  members.forEach((member, m) => {
    const own = saved[m]!;
    member.random.saved = own.randomState;
    member.epochMetrics = own.history;
    member.tally = own.epochTally;
    member.steps = own.steps;
    for (const plugin of member.plugins) if (plugin.loadStateDict && plugin.name in own.plugins) plugin.loadStateDict(own.plugins[plugin.name]);
    if (own.summary) {
      member.summary = { ...own.summary, ...epochMetricsFields(own.summary.history) };
      kept.set(member, nets.weightsOf(m));
    }
  });
}

/** A member's summary as its checkpoint stores it: the epoch metrics once, under `history`. */
function summaryToStore({ epochMetrics: _stored, ...summary }: RunSummary): Omit<RunSummary, 'epochMetrics'> {
  return summary;
}
