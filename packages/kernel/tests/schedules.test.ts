import { describe, expect, it } from 'vitest';
import { constant, cosine, createSchedule, inverseSqrt, stepDecay, type Schedule, type ScheduleSpec, type SchedulePosition } from '../src/schedules.js';

const STEPS_PER_EPOCH = 10;
const EPOCHS = 20;
const TOTAL = EPOCHS * STEPS_PER_EPOCH;

/** The position of the step-th optimizer step of a 20-epoch run with 10 steps per epoch. */
const at = (step: number): SchedulePosition => ({
  step,
  epoch: Math.floor(step / STEPS_PER_EPOCH),
  stepsPerEpoch: STEPS_PER_EPOCH,
  epochs: EPOCHS,
});

const factors = (schedule: Schedule) => Array.from({ length: TOTAL }, (_, k) => schedule.factor(at(k)));

describe('schedules', () => {
  it('constant is 1 everywhere', () => {
    expect(new Set(factors(constant()))).toEqual(new Set([1]));
  });

  it('step decay multiplies by gamma from each milestone epoch on, like MultiStepLR', () => {
    const schedule = stepDecay({ milestones: [5, 12], gamma: 0.5 });
    expect(schedule.name).toBe('step');
    expect([0, 4, 5, 11, 12, 19].map((epoch) => schedule.factor({ ...at(0), epoch }))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(stepDecay({ milestones: [0] }).factor(at(0))).toBe(0.1);
  });

  it('step decay copies its milestones', () => {
    const milestones = [3];
    const schedule = stepDecay({ milestones });
    milestones.push(4);
    expect(schedule.factor({ ...at(0), epoch: 4 })).toBeCloseTo(0.1, 12);
  });

  it('inverse-sqrt is 1/sqrt(1 + floor(step / every))', () => {
    const schedule = inverseSqrt();
    expect([0, 511, 512, 1535, 1536, 512 * 99].map((step) => schedule.factor(at(step)))).toEqual([
      1,
      1,
      1 / Math.SQRT2,
      1 / Math.sqrt(3),
      0.5,
      0.1,
    ]);
    expect(inverseSqrt({ every: 1 }).factor(at(3))).toBe(0.5);
  });

  it('cosine runs per step from 1 to minFactor over all steps and stays there', () => {
    expect(cosine().factor(at(0))).toBe(1);
    expect(cosine().factor(at(TOTAL / 2))).toBeCloseTo(0.5, 12);
    expect(cosine().factor(at(TOTAL / 4))).toBeCloseTo((1 + Math.SQRT1_2) / 2, 12);
    const floored = cosine({ minFactor: 0.1 });
    expect(floored.factor(at(TOTAL / 2))).toBeCloseTo(0.55, 12);
    expect(floored.factor(at(TOTAL))).toBeCloseTo(0.1, 12);
    expect(floored.factor(at(TOTAL + 7))).toBeCloseTo(0.1, 12);
  });

  it('cosine needs a run length', () => {
    expect(() => cosine().factor({ ...at(0), epochs: 0 })).toThrow('cosine: needs epochs·stepsPerEpoch > 0, got 0·10');
  });

  it.each<[string, Schedule]>([
    ['step', stepDecay({ milestones: [2, 8, 15] })],
    ['inverse-sqrt', inverseSqrt({ every: 7 })],
    ['cosine', cosine({ minFactor: 0.2 })],
  ])('%s never increases and stays in (0, 1]', (_, schedule) => {
    const values = factors(schedule);
    values.slice(1).forEach((f, k) => expect(f).toBeLessThanOrEqual(values[k]!));
    expect(values[0]).toBe(1);
    expect(Math.min(...values)).toBeGreaterThan(0);
    expect(values.at(-1)).toBeLessThan(1);
  });

  it('createSchedule builds each named schedule with its options', () => {
    const specs: ScheduleSpec[] = [
      { name: 'constant' },
      { name: 'step', milestones: [1], gamma: 0.2 },
      { name: 'inverse-sqrt', every: 2 },
      { name: 'cosine', minFactor: 0.5 },
    ];
    const position = { ...at(TOTAL), epoch: 1 };
    expect(specs.map((spec) => createSchedule(spec).name)).toEqual(['constant', 'step', 'inverse-sqrt', 'cosine']);
    expect(specs.map((spec) => createSchedule(spec).factor(position))).toEqual([1, 0.2, 1 / Math.sqrt(101), 0.5]);
  });
});

describe('schedule validation', () => {
  it.each<[string, () => unknown, string]>([
    ['unsorted milestones', () => stepDecay({ milestones: [5, 3] }), 'step: milestones must be increasing integers ≥ 0, got [5,3]'],
    ['fractional milestone', () => stepDecay({ milestones: [1.5] }), 'step: milestones must be increasing integers ≥ 0, got [1.5]'],
    ['missing milestones', () => createSchedule({ name: 'step' } as ScheduleSpec), 'step: milestones must be increasing integers ≥ 0, got undefined'],
    ['gamma 0', () => stepDecay({ milestones: [1], gamma: 0 }), 'step: gamma must be in (0, 1], got 0'],
    ['gamma > 1', () => stepDecay({ milestones: [1], gamma: 2 }), 'step: gamma must be in (0, 1], got 2'],
    ['every 0', () => inverseSqrt({ every: 0 }), 'inverse-sqrt: every must be an integer ≥ 1, got 0'],
    ['fractional every', () => inverseSqrt({ every: 2.5 }), 'inverse-sqrt: every must be an integer ≥ 1, got 2.5'],
    ['minFactor > 1', () => cosine({ minFactor: 1.5 }), 'cosine: minFactor must be in [0, 1], got 1.5'],
    ['string minFactor', () => createSchedule({ name: 'cosine', minFactor: '0' as unknown as number }), 'cosine: minFactor must be in [0, 1], got "0"'],
    [
      'unknown name',
      () => createSchedule({ name: 'linear' } as unknown as ScheduleSpec),
      'createSchedule: unknown schedule "linear"; known: constant, step, inverse-sqrt, cosine',
    ],
    ['misspelt option', () => createSchedule({ name: 'cosine', minfactor: 0 } as ScheduleSpec), "cosine: unknown option 'minfactor'; cosine takes minFactor"],
    ['option of a constant', () => createSchedule({ name: 'constant', gamma: 0.1 } as ScheduleSpec), "constant: unknown option 'gamma'; constant takes no options"],
  ])('%s throws', (_, make, message) => {
    expect(make).toThrow(message);
  });
});
