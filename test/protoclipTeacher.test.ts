// ProtoCLIP's offline external teacher (TF-IDF + PCA) and episode sampling (methods.md §5).
import { describe, expect, it } from 'vitest';
import { defaultK, sampleEpisode } from '../src/objectives/protoclip/episode';
import { jacobiEigen } from '../src/objectives/protoclip/subspacePca';
import { fitTfidfPcaTeacher, TfidfPcaTeacher } from '../src/objectives/protoclip/teacher';
import { teacherTokens } from '../src/objectives/protoclip/tfidf';
import { Rng } from '../src/util/prng';

/** Random captions over a vocabulary of `V` made-up words with a Zipf-like draw. */
function randomCaptions(seed: number, n: number, V: number): string[] {
  const rng = new Rng(seed);
  const words = Array.from({ length: V }, (_, i) => `w${i.toString(36)}x`);
  const cdf: number[] = [];
  let s = 0;
  for (let i = 0; i < V; i++) cdf.push((s += 1 / (i + 1)));
  const draw = () => {
    const u = rng.uniform() * s;
    let i = 0;
    while (cdf[i] < u) i++;
    return words[i];
  };
  return Array.from({ length: n }, () => Array.from({ length: 5 + rng.int(8) }, draw).join(' '));
}

const SHAPES = ['circle', 'square', 'triangle', 'star'];
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'];
const PLACES = ['on the left', 'on the right', 'at the top', 'at the bottom'];
function shapeCaptions(): string[] {
  const out: string[] = [];
  for (const s of SHAPES) for (const c of COLOURS) for (const p of PLACES) out.push(`A ${c} ${s} ${p}.`, `a small ${c} ${s} ${p}`);
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const row = (e: Float32Array, d: number, i: number) => e.subarray(i * d, (i + 1) * d);

/** Independent float64 TF-IDF (sublinear tf, smooth idf, L2 rows) for a fitted vocabulary. */
function refTfidf(captions: string[], vocab: string[], allCaptions: string[]): number[][] {
  const n = allCaptions.length;
  const df = vocab.map((w) => allCaptions.filter((c) => teacherTokens(c).includes(w)).length);
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
  return captions.map((c) => {
    const toks = teacherTokens(c);
    const r = vocab.map((w, j) => {
      const tf = toks.filter((t) => t === w).length;
      return tf ? (1 + Math.log(tf)) * idf[j] : 0;
    });
    const norm = Math.hypot(...r);
    return norm ? r.map((x) => x / norm) : r;
  });
}

describe('TF-IDF + PCA teacher', () => {
  it('tokens: normaliseCaption words, punctuation dropped', () => {
    expect(teacherTokens('  A RED  circle, on the left!  ')).toEqual(['a', 'red', 'circle', 'on', 'the', 'left']);
    expect(teacherTokens('Café 3D-shapes')).toEqual(['café', '3d', 'shapes']);
  });

  it('64 dims on a rich vocabulary; unit rows; deterministic; JSON round trip is exact', () => {
    const caps = randomCaptions(1, 600, 300);
    const a = fitTfidfPcaTeacher(caps, 64, 7);
    const b = fitTfidfPcaTeacher(caps, 64, 7);
    expect(a.dims).toBe(64);
    expect(a.name).toBe('TF-IDF + PCA-64 (bag of words; no neural teacher)');
    const ea = a.embed(caps.slice(0, 50));
    expect(ea.length).toBe(50 * 64);
    expect(Array.from(b.embed(caps.slice(0, 50)))).toEqual(Array.from(ea));
    for (let i = 0; i < 50; i++) expect(Math.sqrt(dot(row(ea, 64, i), row(ea, 64, i)))).toBeCloseTo(1, 5);
    const c = TfidfPcaTeacher.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(c.embed(caps.slice(0, 50)))).toEqual(Array.from(ea));
    expect(c.name).toBe(a.name);
    // explained variances descending and positive
    const ev = a.toJSON().explainedVariance;
    ev.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(ev[i] + 1e-12));
    expect(ev[63]).toBeGreaterThan(0);
  });

  it('similar captions are closer than dissimilar ones', () => {
    const caps = shapeCaptions();
    const t = fitTfidfPcaTeacher(caps, 64, 1);
    const e = t.embed(['a red circle on the left', 'a small red circle on the left', 'a blue star at the bottom']);
    const d = t.dims;
    expect(dot(row(e, d, 0), row(e, d, 1))).toBeGreaterThan(dot(row(e, d, 0), row(e, d, 2)) + 0.2);
    // out-of-vocabulary words are ignored
    const f = t.embed(['a red circle on the left zebra']);
    expect(dot(row(e, d, 0), f)).toBeCloseTo(1, 5);
  });

  it('fewer dims when the vocabulary (or caption count) is small', () => {
    const caps = shapeCaptions(); // 4 + 5 + 4·… ≈ 20 words
    const t = fitTfidfPcaTeacher(caps, 64, 1);
    expect(t.dims).toBeLessThanOrEqual(t.vocab.length);
    expect(t.dims).toBeLessThan(64);
    expect(t.name).toBe(`TF-IDF + PCA-${t.dims} (bag of words; no neural teacher)`);
    const few = fitTfidfPcaTeacher(['red circle', 'blue square', 'green star left'], 64, 1);
    expect(few.dims).toBeLessThanOrEqual(2); // m − 1
    expect(() => fitTfidfPcaTeacher(['only one'], 64, 1)).toThrow();
    expect(() => fitTfidfPcaTeacher(['!!', '??'], 64, 1)).toThrow();
    expect(() => fitTfidfPcaTeacher(['same words', 'same words'], 64, 1)).toThrow();
  });

  it('vocabulary cap keeps the most frequent words; embeddings match an independent float64 TF-IDF + projection', () => {
    const caps = randomCaptions(4, 300, 80);
    const t = fitTfidfPcaTeacher(caps, 12, 3, { maxVocab: 40 });
    const j = t.toJSON();
    expect(j.vocab).toHaveLength(40);
    const df = (w: string) => caps.filter((c) => teacherTokens(c).includes(w)).length;
    const minKept = Math.min(...j.vocab.map(df));
    const allWords = new Set(caps.flatMap(teacherTokens));
    for (const w of allWords) if (!j.vocab.includes(w)) expect(df(w)).toBeLessThanOrEqual(minKept);
    const probe = caps.slice(0, 10);
    const X = refTfidf(probe, j.vocab, caps);
    const e = t.embed(probe);
    X.forEach((x, i) => {
      const y = Array.from({ length: j.dims }, (_, c) => x.reduce((s, xv, w) => s + (xv - j.mean[w]) * j.components[w * j.dims + c], 0));
      const n = Math.hypot(...y);
      y.forEach((v, c) => expect(Math.abs(e[i * j.dims + c] - v / n)).toBeLessThan(1e-5));
    });
  });

  it('PCA: randomized subspace iteration matches a dense eigendecomposition of the covariance', () => {
    const caps = randomCaptions(9, 400, 90);
    const t = fitTfidfPcaTeacher(caps, 8, 5);
    const j = t.toJSON();
    const V = j.vocab.length;
    const X = refTfidf(caps, j.vocab, caps);
    const mean = Array.from({ length: V }, (_, w) => X.reduce((s, r) => s + r[w], 0) / X.length);
    mean.forEach((m, w) => expect(Math.abs(m - j.mean[w])).toBeLessThan(1e-12));
    const cov = new Float64Array(V * V);
    for (const r of X) for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) cov[a * V + b] += ((r[a] - mean[a]) * (r[b] - mean[b])) / X.length;
    const { values, vectors } = jacobiEigen(cov, V);
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => values[b] - values[a]);
    for (let c = 0; c < 8; c++) {
      const lam = values[order[c]];
      expect(Math.abs(j.explainedVariance[c] - lam)).toBeLessThan(1e-3 * lam);
      let align = 0;
      for (let w = 0; w < V; w++) align += vectors[w * V + order[c]] * j.components[w * 8 + c];
      expect(Math.abs(align)).toBeGreaterThan(0.99);
    }
  });

  it('jacobiEigen: a 3×3 symmetric matrix', () => {
    const A = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    const { values } = jacobiEigen(A, 3);
    expect(Array.from(values).sort((a, b) => a - b)).toEqual([1, 3, 5].map((v) => expect.closeTo(v, 10)));
  });
});

describe('episodes', () => {
  it('sampleEpisode: in range, with replacement, deterministic per (seed, episode)', () => {
    const a = sampleEpisode(50, 400, 3, 0);
    expect(a).toHaveLength(400);
    expect(a.every((i) => i >= 0 && i < 50)).toBe(true);
    expect(new Set(a).size).toBeLessThan(50 + 1);
    expect(new Set(a).size).toBeGreaterThan(40); // covers most of the dataset
    const counts = new Map<number, number>();
    a.forEach((i) => counts.set(i, (counts.get(i) ?? 0) + 1));
    expect(Math.max(...counts.values())).toBeGreaterThan(1); // repeats: with replacement
    expect(Array.from(sampleEpisode(50, 400, 3, 0))).toEqual(Array.from(a));
    expect(Array.from(sampleEpisode(50, 400, 3, 1))).not.toEqual(Array.from(a));
    expect(Array.from(sampleEpisode(50, 400, 4, 0))).not.toEqual(Array.from(a));
    expect(sampleEpisode(1, 5, 0, 0).every((i) => i === 0)).toBe(true);
    expect(() => sampleEpisode(0, 5, 0, 0)).toThrow();
  });

  it('defaultK = max(2, round(E/10))', () => {
    expect(defaultK(1)).toBe(2);
    expect(defaultK(10)).toBe(2);
    expect(defaultK(25)).toBe(3); // round(2.5) = 3
    expect(defaultK(2000)).toBe(200);
    expect(defaultK(20000)).toBe(2000);
  });
});
