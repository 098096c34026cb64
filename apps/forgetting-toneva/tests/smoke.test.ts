import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '@mgdl/experiment/testing';

const csvIds = (path: string) => readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean).map((row) => Number(row.split(',')[0]));

describe('forgetting-toneva smoke', () => {
  it('counts forgetting over seeds, ranks the samples, then retrains without the least-forgotten or random ones', () => {
    const { run, out } = runSmoke({ app: 'forgetting-toneva', main: new URL('../src/main.ts', import.meta.url), datasets: ['mnist'] });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout.indexOf('stage counting: 2 cell(s)')).toBeLessThan(run.stdout.indexOf('stage removal: 2 cell(s)'));
    const counting = join(out, 'cells', 'counting');
    const removal = join(out, 'cells', 'removal');
    expect(readdirSync(counting).sort()).toEqual(['ranking.csv', 'seed=0', 'seed=1', 'summary.json']);

    // Counting: every seed trains on the same 1,000 samples (Toneva's recipe), statistics per presentation.
    const subset = csvIds(join(counting, 'seed=0', 'samples', 'forgetting.csv')).sort((a, b) => a - b);
    expect(subset).toHaveLength(1000);
    for (const cell of ['seed=0', 'seed=1']) {
      const metrics = JSON.parse(readFileSync(join(counting, cell, 'metrics.json'), 'utf8'));
      expect(metrics).toMatchObject({ epoch: 4, test: { accuracy: expect.any(Number) }, forgetting: { samples: 1000, series: 'presentation', unforgettable: expect.any(Number) } });
      const params = JSON.parse(readFileSync(join(counting, cell, 'params.json'), 'utf8'));
      expect(params.config).toMatchObject({ stage: 'counting', optimizer: 'sgd', learningRate: 0.01, momentum: 0.5, batchSize: 64, noise: 0 });
      expect(csvIds(join(counting, cell, 'samples', 'forgetting.csv')).sort((a, b) => a - b)).toEqual(subset);
    }
    const rows = readFileSync(join(counting, 'ranking.csv'), 'utf8').split('\n').filter(Boolean);
    expect(rows[0]).toBe('rank,id,count');
    const ranking = rows.slice(1).map((row) => row.split(','));
    expect(ranking.map((r) => Number(r[1])).sort((a, b) => a - b)).toEqual(subset);
    const counts = ranking.map((r) => Number(r[2]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const summary = JSON.parse(readFileSync(join(counting, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ samples: 1000, epochs: 4, policy: 'infinite', seeds: [0, 1] });
    expect(summary.unforgettableInEverySeed).toBe(counts.filter((c) => c === 0).length);
    expect(summary.neverLearnedInSomeSeed).toBe(counts.filter((c) => c === Infinity).length);

    // Removal: half the subset removed — the 500 least forgotten, or 500 at random.
    const least = join(removal, 'fraction=0.5,strategy=least-forgotten,seed=0');
    const random = join(removal, 'fraction=0.5,strategy=random,seed=0');
    expect(readdirSync(removal).sort()).toEqual([least, random].map((d) => d.slice(removal.length + 1)));
    const keptLeast = csvIds(join(least, 'samples', 'forgetting.csv')).sort((a, b) => a - b);
    expect(keptLeast).toEqual(ranking.slice(500).map((r) => Number(r[1])).sort((a, b) => a - b));
    const keptRandom = csvIds(join(random, 'samples', 'forgetting.csv'));
    expect(keptRandom).toHaveLength(500);
    expect(keptRandom.every((id) => subset.includes(id))).toBe(true);
    expect(keptRandom.sort((a, b) => a - b)).not.toEqual(keptLeast);
    for (const cell of [least, random]) {
      expect(JSON.parse(readFileSync(join(cell, 'removal.json'), 'utf8'))).toMatchObject({ removed: 500, kept: 500 });
      expect(JSON.parse(readFileSync(join(cell, 'metrics.json'), 'utf8'))).toMatchObject({ epoch: 4, test: { accuracy: expect.any(Number) }, forgetting: { samples: 500 } });
    }

    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8'));
    expect(verdict, 'verdict.json carries the shared rule and each judgement with its per-seed values, n and tests').toMatchObject({ procedure: expect.stringMatching(/^each claim is reduced to one statistic per seed/), judgements: expect.arrayContaining([expect.objectContaining({ statistic: expect.any(String), perSeed: expect.any(Array), n: 1, tests: expect.any(Array), outcome: 'inconclusive' })]) });
    expect(verdict.text).toMatch(/unforgettable per seed \d+, \d+/);
    expect(verdict.table.rows.map((row: unknown[]) => row.slice(0, 2))).toEqual([
      ['0% (the counting runs)', 0],
      ['50.0%', 500],
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Claim and verdict');
    expect(html).toContain('fraction=0.5,strategy=random,seed=0');
    expect(run.stdout).toContain(`report: ${join(out, 'report.html')}`);
  });
});
