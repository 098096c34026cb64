import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '@mgdl/random';
import { judgeInteriorMinimum, judgePairedDifference, judgeSeedEffect, judgeTrend, judgeTrendAlongEpochs, type Judgement, type SeedPoint } from '../src/index.js';

/*
 * The verdict rule on simulated data: under every null below, a claim may be called held (or, for
 * a directional claim, not held) at most 5% of the time, up to 3 Monte Carlo standard errors; under
 * the stated effects the power is printed and must clear a floor. Seeded, so every run gives the
 * same table: `npx nx run @mgdl/experiment:test -- calibration` prints it for docs/EXPERIMENTS.md.
 */

const SIMULATIONS = 2000;
const SEEDS = [5, 10];
const XS = [1, 2, 3, 4, 5, 6];
const EPOCHS = Array.from({ length: 20 }, (_, e) => e + 1);

type Draw = () => number;
/** A standard normal (Box–Muller) from a seeded uniform stream. */
const normal = (uniform: Draw): Draw => () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
/** Student's t with 3 degrees of freedom: heavy tails (finite variance 3, no fourth moment). */
const t3 = (z: Draw): Draw => () => z() / Math.sqrt((z() ** 2 + z() ** 2 + z() ** 2) / 3);

/** One data set: y of each seed at each swept value, from `y(x, seed's draws)`. */
type Scenario = (seeds: number, random: { z: Draw; heavy: Draw }) => Judgement;

const cells = (seeds: number, y: (x: number, seed: number) => number, xs = XS): SeedPoint[] => Array.from({ length: seeds }, (_, seed) => xs.map((x) => ({ x, seed, y: y(x, seed) }))).flat();
/** A per-seed constant (the seed offset of the independent simulation: sd 0.05), drawn once per seed. */
const perSeed = (seeds: number, draw: Draw) => Array.from({ length: seeds }, draw);
const walk = (seeds: number, z: Draw, drift: number): SeedPoint[] =>
  Array.from({ length: seeds }, (_, seed) => {
    let y = 0;
    return EPOCHS.map((x) => ({ x, seed, y: (y += drift + z()) }));
  }).flat();

const trend = (slope: number, slopeSd: number, noise: 'normal' | 't3'): Scenario => (seeds, { z, heavy }) => {
  const [offset, slopes] = [perSeed(seeds, () => 0.05 * z()), perSeed(seeds, () => slope + slopeSd * z())];
  return judgeTrend('rises', cells(seeds, (x, s) => offset[s]! + slopes[s]! * x + 0.03 * (noise === 'normal' ? z() : heavy())), 'rises');
};
const paired = (shift: number, noise: 'normal' | 't3'): Scenario => (seeds, { z, heavy }) =>
  judgePairedDifference('positive', Array.from({ length: seeds }, (_, seed) => ({ seed, y: shift + (noise === 'normal' ? z() : heavy()) })), 'positive');
const optimum = (curve: (x: number) => number): Scenario => (seeds, { z }) => {
  const offset = perSeed(seeds, () => 0.05 * z());
  return judgeInteriorMinimum('optimum', cells(seeds, (x, s) => offset[s]! + curve(x) + 0.03 * z()));
};
const seedEffect = (seedSd: number, noise: 'normal' | 't3'): Scenario => (seeds, { z, heavy }) => {
  const offset = perSeed(seeds, () => seedSd * z());
  return judgeSeedEffect('seed', cells(seeds, (x, s) => 0.02 * x + offset[s]! + 0.03 * (noise === 'normal' ? z() : heavy())));
};

interface Row {
  claim: string;
  data: string;
  /** Null rows: the claim is false; power rows: the effect the floor is stated for, and the floor per seed count. */
  power?: Record<number, number>;
  scenario: Scenario;
}

const ROWS: Row[] = [
  { claim: 'trend across cells', data: 'no trend: seed offset sd 0.05 + normal cell noise sd 0.03', scenario: trend(0, 0, 'normal') },
  { claim: 'trend across cells', data: 'no trend: seed offset + t3 cell noise (scale 0.03)', scenario: trend(0, 0, 't3') },
  { claim: 'trend across cells', data: 'seed-specific slopes (sd 0.01 per step) averaging 0', scenario: trend(0, 0.01, 'normal') },
  { claim: 'trend across cells', data: 'effect: slope 0.01 per step (a third of the cell noise)', power: { 5: 0.7, 10: 0.95 }, scenario: trend(0.01, 0, 'normal') },
  { claim: 'trend along epochs', data: 'no trend: a random walk per seed', scenario: (seeds, { z }) => judgeTrendAlongEpochs('rises', walk(seeds, z, 0), 'rises') },
  { claim: 'trend along epochs', data: 'effect: random walk with drift 0.2 step sd', power: { 5: 0.35, 10: 0.65 }, scenario: (seeds, { z }) => judgeTrendAlongEpochs('rises', walk(seeds, z, 0.2), 'rises') },
  { claim: 'paired difference', data: 'no difference: normal', scenario: paired(0, 'normal') },
  { claim: 'paired difference', data: 'no difference: t3', scenario: paired(0, 't3') },
  { claim: 'paired difference', data: 'effect: shift of 1 sd (normal)', power: { 5: 0.35, 10: 0.85 }, scenario: paired(1, 'normal') },
  { claim: 'optimum in between', data: 'flat curve', scenario: optimum(() => 0) },
  { claim: 'optimum in between', data: 'flat, then rising 0.05 per step from x = 3 (no fall)', scenario: optimum((x) => 0.05 * Math.max(0, x - 3)) },
  { claim: 'optimum in between', data: 'rising 0.02 per step (minimum at the first value)', scenario: optimum((x) => 0.02 * x) },
  { claim: 'optimum in between', data: 'effect: bowl 0.01·(x − 3.5)², ends 0.06 above its floor', power: { 5: 0.45, 10: 0.95 }, scenario: optimum((x) => 0.01 * (x - 3.5) ** 2) },
  { claim: 'seed effect', data: 'no seed effect, value effect 0.02 per step, normal noise sd 0.03', scenario: seedEffect(0, 'normal') },
  { claim: 'seed effect', data: 'no seed effect, t3 noise', scenario: seedEffect(0, 't3') },
  { claim: 'seed effect', data: 'effect: seed offset sd 0.03 (= the noise)', power: { 5: 0.6, 10: 0.9 }, scenario: seedEffect(0.03, 'normal') },
];

/** The share of SIMULATIONS seeded data sets judged held and not held. */
function rates(row: Row, seeds: number, stream: number) {
  const uniform = createRandom(stream);
  const z = normal(uniform);
  const random = { z, heavy: t3(z) };
  let [held, notHeld] = [0, 0];
  for (let i = 0; i < SIMULATIONS; i++) {
    const { outcome } = row.scenario(seeds, random);
    if (outcome === 'held') held++;
    else if (outcome === 'not held') notHeld++;
  }
  return { held: held / SIMULATIONS, notHeld: notHeld / SIMULATIONS };
}

/** 5% plus three Monte Carlo standard errors of a 5% rate. */
const CEILING = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / SIMULATIONS);
const table: string[] = [];

describe(`the verdict rule is calibrated (${SIMULATIONS} simulated data sets per row, 6 swept values or 20 epochs)`, () => {
  ROWS.forEach((row, r) => {
    for (const seeds of SEEDS) {
      const kind = row.power ? `power ≥ ${row.power[seeds]}` : `false held ≤ ${CEILING.toFixed(3)}`;
      it(`${row.claim}, ${row.data}, ${seeds} seeds: ${kind}`, () => {
        const { held, notHeld } = rates(row, seeds, 1000 * r + seeds);
        table.push(`| ${row.claim} | ${row.data} | ${seeds} | ${held.toFixed(3)}${row.power ? ' (power)' : ' (false)'} | ${notHeld.toFixed(3)} |`);
        if (row.power) {
          expect(held).toBeGreaterThanOrEqual(row.power[seeds]!);
          expect(notHeld).toBeLessThanOrEqual(CEILING);
        } else {
          expect(held).toBeLessThanOrEqual(CEILING);
          // A directional null (no trend, no difference, a flat curve) is no more often read as its opposite.
          if (row.claim !== 'optimum in between' || row.data === 'flat curve') expect(notHeld).toBeLessThanOrEqual(CEILING);
        }
      });
    }
  });

  afterAll(() => {
    // Held is a false held under a null (no effect) and the power under an effect; not held is false except where the
    // truth is the opposite claim (an optimum at an end).
    console.log(['| claim | simulated data | seeds | held | not held |', '|---|---|---|---|---|', ...table].join('\n'));
  });
});
