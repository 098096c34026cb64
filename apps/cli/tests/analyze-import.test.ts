import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mgdl } from './run.js';

const dir = () => mkdtempSync(join(tmpdir(), 'mgdl-cli-import-'));

/** A cartography training_dynamics folder: 4 samples × 3 epochs, 2 classes, worked by hand. */
function cartographyDir(): string {
  const root = dir();
  mkdirSync(join(root, 'training_dynamics'));
  // Correct per epoch (argmax = gold): a: 1,0,1  b: 1,1,1  c: 0,0,0  d: 0,1,1
  const logits: Record<string, number[][]> = {
    a: [[2, 0], [0, 1], [3, 0]],
    b: [[0, 1], [0, 2], [0, 3]],
    c: [[1, 0], [2, 0], [1, 0]],
    d: [[0, 1], [1, 0], [2, 0]],
  };
  const gold: Record<string, number> = { a: 0, b: 1, c: 1, d: 0 };
  for (let e = 0; e < 3; e++) {
    const lines = Object.keys(logits).map((guid) => JSON.stringify({ guid, [`logits_epoch_${e}`]: logits[guid]![e], gold: gold[guid] }));
    writeFileSync(join(root, 'training_dynamics', `dynamics_epoch_${e}.jsonl`), `${lines.join('\n')}\n`);
  }
  return root;
}

describe('mgdl analyze on other tools’ files', () => {
  it('builds the HTML report from a cartography directory, naming the format, with a ranking and the run directory', () => {
    const root = cartographyDir();
    const out = join(root, 'out');
    const report = join(root, 'html', 'report.html');
    const run = mgdl('analyze', root, '--report', report, '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    // a: learned, forgotten, relearned (S3, 1 event); b: S2; c: S1; d: learned at step 1 (S2).
    expect(JSON.parse(run.stdout)).toMatchObject({ samples: 4, steps: 3, S1: 1, S2: 2, S3: 1, events: 1, M: 1, F: 0 });
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('dataset cartography&#39;s dynamics_epoch_N.jsonl');
    // The figures of a run's report (their wording belongs to @mgdl/report): data map, forgetting counts, the three scales; and the ranking.
    expect(html).toMatch(/<figcaption>Data map/);
    expect(html).toMatch(/<figcaption>Forgetting events per learned sample/);
    expect(html).toMatch(/<figcaption>M at element, meso and system scale/);
    expect(html).toContain('Most forgotten samples');
    const ranking = readFileSync(join(out, 'run', 'samples', 'ranking.csv'), 'utf8').split('\n');
    expect(ranking[0]).toBe('rank,id,name,forgetting_events,learning_events,set');
    // The never-learned sample ranks first (forgotten infinitely often), then the forgotten one.
    expect(ranking[1]).toBe('1,2,c,0,0,S1');
    expect(ranking[2]).toBe('2,0,a,1,2,S3');
    expect(readFileSync(join(out, 'names.csv'), 'utf8')).toBe('id,name\n0,a\n1,b\n2,c\n3,d\n');
    const metrics = JSON.parse(readFileSync(join(out, 'run', 'metrics.json'), 'utf8'));
    expect(metrics.forgetting).toMatchObject({ series: 'presentation', S1: 1, S2: 2, S3: 1 });
    const map = readFileSync(join(out, 'run', 'samples', 'data-map.csv'), 'utf8').split('\n');
    // Sample b: p(gold) = σ(1), σ(2), σ(3); correctness 1.
    const sigma = (x: number) => 1 / (1 + Math.exp(-x));
    const [, confidence, , correctness] = map[2]!.split(',').map(Number);
    expect(confidence).toBeCloseTo((sigma(1) + sigma(2) + sigma(3)) / 3, 6);
    expect(correctness).toBe(1);
  });

  it('titles a report without --out by the files imported, never by its temporary run folder; --title replaces the title', () => {
    const root = dir();
    const matrix = join(root, 'my-dynamics.csv');
    writeFileSync(matrix, '1,0,1\n0,1,1\n0,0,0\n');
    const report = join(root, 'report.html');
    const run = mgdl('analyze', matrix, '--report', report);
    expect(run.status, run.stderr).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<title>mgdl report: my-dynamics\.csv \(/);
    expect(html).toContain('<h2>Run my-dynamics.csv</h2>');
    expect(html).not.toContain('mgdl-analyze-run-');
    // The input file's own path is named (in the dataset note); no other temporary path is.
    expect(html.replaceAll(matrix, 'INPUT')).not.toContain(tmpdir());
    const titled = mgdl('analyze', matrix, '--report', report, '--title', 'Noisy <MNIST>');
    expect(titled.status, titled.stderr).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('<title>Noisy &lt;MNIST&gt;</title>');
  });

  it('reads an AUM records file and a matrix with string ids, header said or not', () => {
    const root = dir();
    const aum = join(root, 'full_aum_records.csv');
    writeFileSync(aum, 'sample_id,num_measurements,target_logit,target_val,other_logit,other_val,margin,aum\nx,1,1,0,2,1,-1,-1\nx,2,3,0,1,1,2,0.5\ny,1,2,1,1,0,1,1\ny,2,2,1,1,0,1,1\n');
    const fromAum = mgdl('analyze', aum, '--json');
    expect(fromAum.status, fromAum.stderr).toBe(0);
    expect(JSON.parse(fromAum.stdout)).toMatchObject({ samples: 2, steps: 2, S1: 0, S2: 2, S3: 0 });
    const matrix = join(root, 'matrix.csv');
    writeFileSync(matrix, 'True,False,True\nFalse,True,True\n');
    const noHeader = mgdl('analyze', matrix, '--no-header', '--json');
    expect(noHeader.status, noHeader.stderr).toBe(0);
    expect(JSON.parse(noHeader.stdout)).toMatchObject({ samples: 2, steps: 3, S3: 1 });
    const withHeader = mgdl('analyze', matrix, '--header', '--json');
    expect(withHeader.status, withHeader.stderr).toBe(0);
    expect(JSON.parse(withHeader.stdout)).toMatchObject({ samples: 1, steps: 3 });
    writeFileSync(matrix, 'img_000,1,0,1\nimg_001,0,1,1\n');
    const named = mgdl('analyze', matrix, '--out', join(root, 'o'));
    expect(named.status, named.stderr).toBe(0);
    expect(readFileSync(join(root, 'o', 'names.csv'), 'utf8')).toBe('id,name\n0,img_000\n1,img_001\n');
    // Groups may name samples by their string ids.
    const groups = join(root, 'groups.csv');
    writeFileSync(groups, 'id,group\nimg_001,b\nimg_000,a\n');
    const grouped = mgdl('analyze', matrix, '--groups', groups);
    expect(grouped.status, grouped.stderr).toBe(0);
    expect(grouped.stdout).toMatch(/meso \(2 groups\)/);
  });

  it('reads mgdl interchange JSONL and rejects a format it cannot be, naming the expected format', () => {
    const root = dir();
    const file = join(root, 'dynamics.jsonl');
    writeFileSync(file, '{"format": "mgdl-dynamics", "version": 1, "series": "inference-pass"}\n{"id": 0, "step": 0, "label": 1, "probs": [0.3, 0.7]}\n{"id": 0, "step": 1, "label": 1, "probs": [0.6, 0.4]}\n');
    const run = mgdl('analyze', file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/mgdl's interchange JSONL/);
    expect(run.stdout).toMatch(/steps\s+2 \(inference-pass\)/);
    const wrong = mgdl('analyze', file, '--format', 'aum');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/dynamics\.jsonl, line 1: no column sample_id, num_measurements.*expected the header sample_id,num_measurements,target_logit/);
    const unknown = mgdl('analyze', file, '--format', 'tensorboard');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Allowed choices are mgdl-jsonl, cartography, aum, matrix-csv, matrix-json/);
    expect(existsSync(join(root, 'report.html'))).toBe(false);
  });
});

describe('mgdl analyze --clean-labels', () => {
  // Four samples, three steps, p(trained label) per step; sample 2 was trained on label 0, its clean label is 1.
  const records = [
    [0, 1, [0.9, 0.9, 0.9]],
    [1, 1, [0.8, 0.3, 0.8]],
    [2, 0, [0.2, 0.2, 0.2]],
    [3, 1, [0.6, 0.4, 0.3]],
  ] as const;
  const jsonl = () => {
    const lines = records.flatMap(([id, label, gold]) => gold.map((p, step) => JSON.stringify({ id, step, label, probs: label === 1 ? [1 - p, p] : [p, 1 - p] })));
    const file = join(dir(), 'dynamics.jsonl');
    writeFileSync(file, ['{"format": "mgdl-dynamics", "version": 1, "series": "inference-pass"}', ...lines].join('\n') + '\n');
    return file;
  };
  const clean = () => {
    const file = join(dir(), 'clean.csv');
    writeFileSync(file, 'id,label\n0,1\n1,1\n2,1\n3,1\n');
    return file;
  };

  it('ranks how well each score finds the mislabelled samples, in the table, JSON and report', () => {
    const file = jsonl();
    const table = mgdl('analyze', file, '--clean-labels', clean());
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('noise detection: 1 of 4 samples mislabelled');
    // Sample 2 is never right (forgetting counts as ∞) and has the lowest confidence: both rank it first.
    expect(table.stdout).toMatch(/forgetting count, high first.*\s1\.000\s+1\.000\s+1\.000/);
    const json = JSON.parse(mgdl('analyze', file, '--clean-labels', clean(), '--json').stdout) as { noiseDetection: { noisy: number; scores: { score: string; auc: number }[] } };
    expect(json.noiseDetection.noisy).toBe(1);
    expect(json.noiseDetection.scores.find((s) => s.score === 'forgetting')!.auc).toBe(1);
    expect(json.noiseDetection.scores.find((s) => s.score === 'confidence')!.auc).toBe(1);
    const out = dir();
    const report = mgdl('analyze', file, '--clean-labels', clean(), '--report', join(out, 'report.html'), '--out', out);
    expect(report.status, report.stderr).toBe(0);
    // Sample 2: trained on 0, clean 1, never learned; AUM = ln(0.2/0.8) (margins of log-probabilities), confidence 0.2, EL2N = ‖(0.2, 0.8) − (1, 0)‖ = √1.28.
    expect(readFileSync(join(out, 'run', 'samples', 'scores.csv'), 'utf8').split('\n')[3]).toMatch(/^2,0,1,1,S1,0,,-1\.38629\d*,0\.2000000\d*,0,0,1\.13137\d*,$/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Which score finds the noisy labels/i);
  });

  it('warns when the clean labels cover only some samples, and fails with --clean-labels-complete', () => {
    const file = jsonl();
    const partial = join(dir(), 'partial.csv');
    writeFileSync(partial, 'id,label\n0,1\n2,1\n');
    const warned = mgdl('analyze', file, '--clean-labels', partial);
    expect(warned.status, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('clean labels cover 2 of 4 samples: noise detection is scored on those 2');
    const strict = mgdl('analyze', file, '--clean-labels', partial, '--clean-labels-complete');
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain(`${partial}: clean labels cover 2 of 4 samples, and --clean-labels-complete asks for all of them`);
    expect(strict.stdout).toBe('');
    const complete = mgdl('analyze', file, '--clean-labels', clean(), '--clean-labels-complete');
    expect(complete.status, complete.stderr).toBe(0);
    expect(complete.stderr).not.toContain('clean labels cover');
    const alone = mgdl('analyze', file, '--clean-labels-complete');
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--clean-labels-complete checks the file of --clean-labels');
  });

  it('says a format without trained labels cannot be ranked, and names a sample that is not in the history', () => {
    const matrix = join(dir(), 'matrix.csv');
    writeFileSync(matrix, 'id,0,1\n0,1,1\n1,0,1\n');
    const none = mgdl('analyze', matrix, '--clean-labels', clean());
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/records carry no labels; --clean-labels needs the labels the samples were trained on/);
    const stranger = join(dir(), 'clean.csv');
    writeFileSync(stranger, '0,1\n9,1\n');
    const unknown = mgdl('analyze', jsonl(), '--clean-labels', stranger);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/clean\.csv, line 2, column 1: "9" is not a sample of the history/);
  });
});

describe('mgdl analyze on logits too large to subtract', () => {
  it('refuses a score that would be written as Infinity, naming the sample, instead of exit 0 with Infinity in aum.csv', () => {
    const root = dir();
    const lines = [{ format: 'mgdl-dynamics', version: 1 }, { id: 0, step: 0, label: 0, logits: [1.7e308, -1.7e308] }, { id: 1, step: 0, label: 1, logits: [0.5, 0.1] }, { id: 0, step: 1, label: 0, logits: [1, 0] }, { id: 1, step: 1, label: 1, logits: [0.5, 0.9] }];
    writeFileSync(join(root, 'd.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const run = mgdl('analyze', join(root, 'd.jsonl'), '--out', join(root, 'out'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/sample "0": its AUM is Infinity although its logits are finite .*rescale the logits/);
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it('streams a large interchange file: a malformed record near its end is named by file and line, exit 1, nothing written', () => {
    const root = dir();
    const records = Array.from({ length: 50_000 }, (_, i) => (i === 49_990 ? '{"id": 3, "step": 2, "label": 1, "logits": [0.5, "x"]}' : JSON.stringify({ id: i % 5000, step: Math.floor(i / 5000), label: i % 2, logits: [(i % 7) / 7, 0.5] })));
    writeFileSync(join(root, 'd.jsonl'), [JSON.stringify({ format: 'mgdl-dynamics', version: 1 }), ...records].join('\n') + '\n');
    const run = mgdl('analyze', join(root, 'd.jsonl'), '--out', join(root, 'out'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/d\.jsonl, line 49992: logits is \[0\.5,"x"\]; expected an array of at least 2 finite numbers/);
    expect(existsSync(join(root, 'out'))).toBe(false);
    const good = join(root, 'good.jsonl');
    writeFileSync(good, [JSON.stringify({ format: 'mgdl-dynamics', version: 1 }), ...records.filter((_, i) => i !== 49_990)].join('\n') + '\n');
    const analysed = mgdl('analyze', good, '--json');
    expect(analysed.status, analysed.stderr).toBe(0);
    expect(JSON.parse(analysed.stdout)).toMatchObject({ samples: 5000, steps: 10 });
  });
});
