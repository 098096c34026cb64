/** Where training is when a step's learning rate is chosen. */
export interface SchedulePosition {
  /** 0-based epoch. */
  epoch: number;
  /** Optimizer steps taken before this one (0-based). */
  step: number;
  stepsPerEpoch: number;
  epochs: number;
}

/** A learning-rate schedule: a pure function of the position, giving the multiplier of the base rate. */
export interface Schedule {
  readonly name: string;
  factor(position: SchedulePosition): number;
}

export interface StepDecayOptions {
  /** Epochs (integers ≥ 0, increasing) from which the rate is multiplied by gamma once more. */
  milestones: number[];
  /** In (0, 1]. */
  gamma?: number;
}

export interface InverseSqrtOptions {
  /** Steps per decay stage, an integer ≥ 1. */
  every?: number;
}

export interface CosineOptions {
  /** The final multiplier, in [0, 1]. */
  minFactor?: number;
}

export type ScheduleSpec =
  | { name: 'constant' }
  | ({ name: 'step' } & StepDecayOptions)
  | ({ name: 'inverse-sqrt' } & InverseSqrtOptions)
  | ({ name: 'cosine' } & CosineOptions);

const show = (value: unknown): string => (Array.isArray(value) || typeof value === 'string' ? JSON.stringify(value) : String(value));

/** Options may come from untyped config, so the type is checked along with the range. */
function check(schedule: string, option: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new Error(`${schedule}: ${option} must be ${expected}, got ${show(value)}`);
}

const isNumberIn = (value: unknown, lo: number, hi: number, loOpen = false): boolean =>
  typeof value === 'number' && (loOpen ? value > lo : value >= lo) && value <= hi;

export function constant(): Schedule {
  return { name: 'constant', factor: () => 1 };
}

/** gamma^(milestones ≤ epoch): torch's MultiStepLR stepped once per epoch. */
export function stepDecay({ milestones, gamma = 0.1 }: StepDecayOptions): Schedule {
  const increasing =
    Array.isArray(milestones) &&
    milestones.every((m, i) => Number.isInteger(m) && m >= 0 && (i === 0 || m > milestones[i - 1]!));
  check('step', 'milestones', milestones, increasing, 'increasing integers ≥ 0');
  check('step', 'gamma', gamma, isNumberIn(gamma, 0, 1, true), 'in (0, 1]');
  const epochs = [...milestones]; // the caller's array may change later; the schedule must not
  return {
    name: 'step',
    factor: ({ epoch }) => gamma ** epochs.filter((m) => m <= epoch).length,
  };
}

/** 1/sqrt(1 + ⌊step/every⌋): the schedule of Nakkiran et al.'s deep double descent experiments. */
export function inverseSqrt({ every = 512 }: InverseSqrtOptions = {}): Schedule {
  check('inverse-sqrt', 'every', every, Number.isInteger(every) && every >= 1, 'an integer ≥ 1');
  return {
    name: 'inverse-sqrt',
    factor: ({ step }) => 1 / Math.sqrt(1 + Math.floor(step / every)),
  };
}

/** Half a cosine from 1 down to minFactor over all epochs·stepsPerEpoch steps, per step. */
export function cosine({ minFactor = 0 }: CosineOptions = {}): Schedule {
  check('cosine', 'minFactor', minFactor, isNumberIn(minFactor, 0, 1), 'in [0, 1]');
  return {
    name: 'cosine',
    factor: ({ step, stepsPerEpoch, epochs }) => {
      const total = epochs * stepsPerEpoch;
      if (!(total > 0)) throw new Error(`cosine: needs epochs·stepsPerEpoch > 0, got ${epochs}·${stepsPerEpoch}`);
      // Steps past the end stay at minFactor instead of climbing back up the cosine.
      const progress = Math.min(step, total) / total;
      return minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * progress))) / 2;
    },
  };
}

// Records over every option key, so adding an option without listing it here fails to compile.
const options: Record<ScheduleSpec['name'], Record<string, true>> = {
  constant: {},
  step: { milestones: true, gamma: true } satisfies Record<keyof StepDecayOptions, true>,
  'inverse-sqrt': { every: true } satisfies Record<keyof InverseSqrtOptions, true>,
  cosine: { minFactor: true } satisfies Record<keyof CosineOptions, true>,
};

/** Builds a schedule from config, rejecting unknown names and (misspelt) unknown options. */
export function createSchedule(spec: ScheduleSpec): Schedule {
  const name: unknown = spec.name;
  if (typeof name !== 'string' || !Object.hasOwn(options, name)) {
    throw new Error(`createSchedule: unknown schedule ${show(name)}; known: ${Object.keys(options).join(', ')}`);
  }
  const known = options[spec.name];
  for (const key of Object.keys(spec)) {
    if (key !== 'name' && !(key in known)) {
      const takes = Object.keys(known).join(', ') || 'no options';
      throw new Error(`${spec.name}: unknown option '${key}'; ${spec.name} takes ${takes}`);
    }
  }
  switch (spec.name) {
    case 'constant':
      return constant();
    case 'step':
      return stepDecay(spec);
    case 'inverse-sqrt':
      return inverseSqrt(spec);
    case 'cosine':
      return cosine(spec);
  }
}
