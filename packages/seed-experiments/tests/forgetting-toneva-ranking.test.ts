import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStages } from '@mgdl/experiment';
import { forgettingToneva, judge, readCellStats, removedIds, writeRanking, type CountingSummary } from '../src/forgetting-toneva.js';

const config = forgettingToneva.schema.parse(forgettingToneva.presets.smoke);

/** A counting cell's samples/forgetting.csv: rows of [id, forgetting events, set]. */
function countingCell(dir: string, name: string, rows: [number, number, 'S1' | 'S2' | 'S3'][]) {
  mkdirSync(join(dir, name, 'samples'), { recursive: true });
  const lines = rows.map(([id, f, set]) => `${id},${set === 'S1' ? 0 : f + 1},${f},${set === 'S1' ? -1 : 0},-1,${set === 'S1' ? -1 : 1},0,${set}`);
  writeFileSync(join(dir, name, 'samples', 'forgetting.csv'), `id,learning_events,forgetting_events,first_learned,learned_for_good,first_forgotten,final_correct,set\n${lines.join('\n')}\n`);
  const unforgettable = rows.filter((r) => r[2] === 'S2').length;
  const count = (set: string) => rows.filter((r) => r[2] === set).length;
  const forgetting = { series: 'presentation' as const, samples: rows.length, steps: 4, S1: count('S1'), S2: unforgettable, S3: count('S3'), M: null, F: null, ratio: null, events: rows.reduce((n, r) => n + r[1], 0), unforgettable, settledRatio: null, regime: 'compromise' };
  return { name, values: { seed: Number(name.slice(5)) }, status: 'done' as const, metrics: { forgetting } };
}

describe('counting stage', () => {
  it('reads a cell\u2019s per-sample statistics back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-toneva-'));
    countingCell(dir, 'seed=0', [[7, 0, 'S2'], [3, 2, 'S3'], [5, 0, 'S1']]);
    const stats = readCellStats(join(dir, 'seed=0'));
    expect(Array.from(stats.ids)).toEqual([7, 3, 5]);
    expect(Array.from(stats.forgettingEvents)).toEqual([0, 2, 0]);
    expect(Array.from(stats.set)).toEqual([2, 3, 1]);
  });

  it('sums counts over seeds (never learned = infinite), ranks least forgotten first and summarises', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-toneva-'));
    const results = [
      countingCell(dir, 'seed=0', [[10, 0, 'S2'], [11, 1, 'S3'], [12, 0, 'S2'], [13, 0, 'S1'], [14, 3, 'S3']]),
      countingCell(dir, 'seed=1', [[10, 0, 'S2'], [11, 0, 'S2'], [12, 2, 'S3'], [13, 1, 'S3'], [14, 0, 'S2']]),
    ];
    writeRanking(results, dir, config);
    const rows = readFileSync(join(dir, 'ranking.csv'), 'utf8').split('\n').filter(Boolean);
    expect(rows).toEqual(['rank,id,count', '0,10,0', '1,11,1', '2,12,2', '3,14,3', '4,13,Infinity']);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as CountingSummary;
    expect(summary).toEqual({ samples: 5, epochs: 4, policy: 'infinite', seeds: [0, 1], unforgettablePerSeed: [2, 3], unforgettableInEverySeed: 1, neverLearnedInSomeSeed: 1, histogram: { 0: 1, 1: 1, 2: 1, 3: 1, 'never learned': 1 } });

    writeRanking(results, dir, { ...config, policy: 'steps' });
    expect(readFileSync(join(dir, 'ranking.csv'), 'utf8').split('\n')[5]).toBe('4,13,5'); // 4 epochs as never learned + 1
  });
});

describe('removal stage', () => {
  const ranking = Int32Array.from({ length: 100 }, (_, i) => 1000 + i);

  it('removes the first k of the ranking, or k seeded random ids nested as k grows', () => {
    expect(Array.from(removedIds(ranking, 0.2, 'least-forgotten', 0))).toEqual(Array.from(ranking.subarray(0, 20)));
    const small = removedIds(ranking, 0.2, 'random', 3);
    const large = removedIds(ranking, 0.6, 'random', 3);
    expect(new Set(large).size).toBe(60);
    expect(Array.from(large.subarray(0, 20))).toEqual(Array.from(small));
    expect(Array.from(large).every((id) => ranking.includes(id))).toBe(true);
    expect(Array.from(removedIds(ranking, 0.2, 'random', 3))).toEqual(Array.from(small));
    expect(Array.from(removedIds(ranking, 0.2, 'random', 4))).not.toEqual(Array.from(small));
    expect(Array.from(small)).not.toEqual(Array.from(ranking.subarray(0, 20)));
  });
});

describe('verdict', () => {
  const summary: CountingSummary = { samples: 1000, epochs: 4, policy: 'infinite', seeds: [0, 1], unforgettablePerSeed: [700, 720], unforgettableInEverySeed: 600, neverLearnedInSomeSeed: 5, histogram: {} };
  const result = (stage: string, values: Record<string, unknown>, accuracy: number) => ({ name: JSON.stringify(values), stage, values, status: 'done' as const, metrics: { test: { loss: 0, accuracy, samples: 100 } } });
  // Six seeds (Holm over the two claims needs six for the sign-flip test: 2 × 1/64 < 0.05); each seed's accuracies,
  // its counting run's included, shifted by its own offset, the same for every arm (a paired design).
  const offsets = [0, 0.002, -0.001, 0.003, -0.002, 0.001];
  const results = (least: number[], random: number[], seeds = offsets.length) => [
    ...offsets.slice(0, seeds).map((offset, seed) => result('counting', { seed }, 0.95 + offset)),
    ...offsets.slice(0, seeds).flatMap((offset, seed) =>
      [0.2, 0.4].flatMap((fraction, i) => [result('removal', { fraction, strategy: 'least-forgotten', seed }, least[i]! + offset), result('removal', { fraction, strategy: 'random', seed }, random[i]! + offset)]),
    ),
  ];

  it('holds when removing the least-forgotten examples costs less than random removal, paired by seed', () => {
    const verdict = judge(results([0.949, 0.945], [0.94, 0.92]), config, summary);
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.map((j) => [j.statistic, j.n, j.outcome])).toEqual([
      ['paired-difference', 6, 'held'],
      ['paired-difference', 6, 'held'],
    ]);
    // The baseline is each seed's own counting run: the seed offsets cancel, so every seed loses exactly 0.95 − 0.93 (mean of the fractions) to random removal.
    expect(verdict.judgements![0]!.perSeed.map((s) => s.value)).toEqual(offsets.map(() => expect.closeTo(0.02, 12)));
    expect(verdict.text).toMatch(/unforgettable per seed 700, 720 \(70\.0%, 72\.0%\); unforgettable in every seed 600 \(60\.0%\)/);
    expect(verdict.text).toMatch(/removing the least-forgotten examples costs less than removing random ones .*: mean difference 0\.02 \[0\.02, 0\.02\] \(t, 95%\), sign-flip \(exact, 2\^6 assignments\) p = 0\.016, Holm-adjusted p = 0\.031, 6 seeds: held/);
    expect(verdict.table!.rows[0]!.slice(0, 3)).toEqual(['0% (the counting runs)', 0, '—']);
    expect(verdict.table!.rows[0]![3]).toMatch(/^0\.9505 \[0\.94\d\d, 0\.95\d\d\]$/);
    expect(verdict.table!.rows[1]!.slice(0, 3)).toEqual(['20.0%', 200, '200 (100.0%)']);
    expect(verdict.table!.rows[1]![3]).toMatch(/^0\.9495 \[0\.94\d\d, 0\.95\d\d\]$/);
    const three = judge(results([0.949, 0.945], [0.94, 0.92], 3), config, summary);
    expect(three.held).toBeNull();
    expect(three.text).toMatch(/random removal lowers test accuracy .*: 3 of 3 seeds agree \(mean difference 0\.02; fewer than 5 seeds\): inconclusive/);
  });

  it('does not hold when it costs more, is inconclusive within the seeds, and undetermined when random removal costs nothing', () => {
    expect(judge(results([0.93, 0.91], [0.94, 0.92]), config, summary).held).toBe(false);
    const mixed = results([0.95, 0.915], [0.94, 0.92]);
    // Make the seeds disagree: seeds 2 and 4 lose with the ranking where the others win.
    for (const r of mixed) if (r.stage === 'removal' && [2, 4].includes(Number(r.values['seed'])) && r.values['strategy'] === 'least-forgotten') r.metrics.test.accuracy -= 0.03;
    expect(judge(mixed, config, summary).held).toBeNull();
    const free = judge(results([0.95, 0.95], [0.95, 0.95]), config, summary);
    expect(free.held).toBeNull();
    expect(free.text).toMatch(/nothing for the ranking to beat/);
    expect(judge(results([], []).slice(0, 2), config, undefined).text).toMatch(/the counting stage did not complete.*cannot be judged/);
  });
});

describe('presets', () => {
  it.each(['smoke', 'default', 'paper'] as const)('%s is valid and plans counting before removal', (preset) => {
    const parsed = forgettingToneva.schema.parse(forgettingToneva.presets[preset]);
    const stages = planStages(forgettingToneva, parsed, '/run');
    expect(stages.map((s) => s.name)).toEqual(['counting', 'removal']);
    expect(stages[0]!.cells).toHaveLength(parsed.seeds.length);
    expect(stages[1]!.cells).toHaveLength(parsed.fractions.length * 2 * parsed.removalSeeds.length);
    expect(stages[1]!.cells[0]!.config).toMatchObject({ stage: 'removal', fraction: parsed.fractions[0], strategy: 'least-forgotten', seed: parsed.removalSeeds[0] });
  });
});
