import type * as tfl from '@tensorflow/tfjs-layers';
import { SeededMathRandom } from '@mgdl/random';
import { emptyTally, epochMetricsFields, type EpochTally } from '../epoch-tally.js';
import { KernelError } from '../errors.js';
import { observers, sortPlugins, StopSignal, type ObserverDispatch } from '../plugins.js';
import type { EpochMetrics, KernelBatch, KernelPlugin, RunSummary, TrainingData } from '../types.js';

/** One member of an ensemble: what a solo train() run of it would be given. */
export interface EnsembleMember {
  /**
   * Seeds the member's initial weights (the model factory runs with Math.random seeded by it, as in
   * train()) and then, from the same stream, its dropout masks.
   */
  seed: number;
  /** The member's own batches: its training subset, labels and order. */
  data: TrainingData;
  /**
   * This member's plugins, seeing only its run: observers, and mutators as in train() — loss terms
   * on its own forward pass, gradient transforms of its own gradients, factors on its own learning rate.
   */
  plugins?: readonly KernelPlugin[];
  /** The member's training set in a fixed order, for the inference pass (trainEnsemble's `inferencePass`). */
  inferencePass?: TrainingData;
}

const MUTATORS = ['lossTerms', 'transformGrads', 'adjustLearningRate'] as const;
/** What stacked products cannot give a member: a term computed on its model, or a rate of its own. */
const PER_MEMBER_MUTATORS = ['lossTerms', 'adjustLearningRate'] as const;

/** A member's run: its model, seeded stream, plugins and what it has done so far. */
export class MemberRun {
  readonly plugins: KernelPlugin[];
  /** Seeded by the member's seed; built the model's initial weights, then draws the dropout masks. */
  readonly random: SeededMathRandom;
  /** The member's own model, whose variables the ensemble trains: it holds the member's current weights (one that ended early gets its final ones back at the end). */
  readonly model: tfl.LayersModel;
  readonly control = new StopSignal();
  /** This member's plugins' observer hooks, with its own control. */
  readonly hooks: ObserverDispatch;
  /** Whether any of its plugins changes training (a loss term, a gradient transform, a learning-rate factor): known once, read every step. */
  readonly mutates: boolean;
  epochMetrics: EpochMetrics[] = [];
  tally: EpochTally = emptyTally();
  steps = 0;
  /** Set once the member's run has ended (all epochs done, or a plugin stopped it). */
  summary: RunSummary | undefined;

  constructor(
    readonly index: number,
    readonly member: EnsembleMember,
    buildModel: () => tfl.LayersModel,
  ) {
    this.plugins = sortPlugins(member.plugins ?? []);
    this.hooks = observers(this.plugins, this.control);
    this.mutates = this.plugins.some((plugin) => MUTATORS.some((hook) => plugin[hook]));
    this.random = new SeededMathRandom(member.seed);
    this.random.install();
    try {
      this.model = buildModel();
    } finally {
      this.random.uninstall();
    }
  }

  get active(): boolean {
    return this.summary === undefined;
  }

  summarize(started: number): RunSummary {
    return { epochs: this.epochMetrics.length, steps: this.steps, ...(this.control.reason ? { stopped: this.control.reason } : {}), ...epochMetricsFields(this.epochMetrics), seconds: (performance.now() - started) / 1000 };
  }
}

/**
 * With stacked products the ensemble trains stacked copies of the members' weights, not their
 * models' variables, and one rate per stacked variable: a loss term computed on a member's model
 * would get no gradient, and a member's learning-rate factor could not be applied to it alone.
 */
export function refuseStackedMutators(members: readonly EnsembleMember[]): void {
  members.forEach((member, m) => {
    for (const plugin of member.plugins ?? []) {
      const hook = PER_MEMBER_MUTATORS.find((name) => plugin[name]);
      if (hook) {
        throw new KernelError(
          `trainEnsemble: member ${m}'s plugin '${plugin.name}' changes training (${hook}), which needs the layout that trains each member's own model: ` +
            "use products 'per-member' (stacked products train stacked copies of the members' weights at one learning rate)",
        );
      }
    }
  });
}

/** The members' batches of one step, whose rows the loss lays side by side as [S, b]: each must have member 0's shapes. */
export function checkStackable(batches: readonly KernelBatch[], epoch: number, batchIndex: number): void {
  const [first] = batches;
  const shapes = (batch: KernelBatch) => `x [${batch.x.shape.join(', ')}], y [${batch.y.shape.join(', ')}]`;
  batches.forEach((batch, m) => {
    if (shapes(batch) !== shapes(first!) || batch.ids.length !== first!.ids.length) {
      throw new KernelError(
        `trainEnsemble: at epoch ${epoch + 1}, batch ${batchIndex}, member ${m}'s batch is ${shapes(batch)} and member 0's ${shapes(first!)}; ` +
          "members' batches are computed side by side, so every member needs training sets of one size, one batchSize and one dropLast",
      );
    }
  });
}

/** The next batch of every member's epoch, refusing a member whose data ends early. */
export function nextBatches(iterators: readonly Iterator<KernelBatch>[], epoch: number, batchIndex: number): KernelBatch[] {
  return iterators.map((iterator, m) => {
    const next = iterator.next();
    if (next.done) throw new KernelError(`trainEnsemble: member ${m}'s data ended at batch ${batchIndex} of epoch ${epoch + 1}, before its batchesPerEpoch; its epoch() must yield every batch`);
    return next.value;
  });
}
