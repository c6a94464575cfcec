// ProtoCLIP's optional external teacher (methods.md §5), made honest for an offline browser: no
// neural text model is available, so the "frozen text featuriser" is TF-IDF over the dataset's own
// captions reduced by PCA — a bag-of-words teacher, and named as such in the UI.
//
// Fit (plain JS, float64, deterministic per seed; no tfjs):
// - tokens: normaliseCaption(caption) (the tokenizer's NFC/lowercase/whitespace normalisation), then
//   maximal runs of letters and digits (/[\p{L}\p{N}]+/u); punctuation is dropped.
// - vocabulary: the top `maxVocab` (default 4096) words by document frequency, ties by code-unit order.
// - weights: sublinear tf (1 + ln tf), smooth idf ln((1 + n)/(1 + df)) + 1, each row L2-normalised
//   (scikit-learn's TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm='l2') conventions).
// - PCA on the rows of a subsample (≤ maxFitDocs, seeded): mean-centred covariance
//   Σ = (1/m) Σ_i (x_i − μ)(x_i − μ)ᵀ, never formed: randomized subspace iteration
//   (Halko, Martinsson & Tropp 2011) Y = Σ·Q via two sparse products, Gram–Schmidt, then
//   Rayleigh–Ritz (Jacobi eigen-solve of QᵀΣQ). Components are sign-fixed (largest |loading| positive).
// - dims actually kept = min(requested, V, m − 1, numerical rank (λ > 1e-9·λ_max)); a small or
//   repetitive caption set therefore gives fewer than 64 dims (`teacher.dims` says how many).
// Embed: y = (x − μ)·W, then L2-normalised (a caption with no vocabulary words maps to the
// normalised projection of −μ, identical for all such captions).
// Tokens and TF-IDF rows are in tfidf.ts, the PCA numerics in subspacePca.ts.
import { Rng, deriveSeed } from '../../util/prng';
import { covTimes, jacobiEigen, orthonormalise } from './subspacePca';
import { teacherTokens, tfidfRow } from './tfidf';

export const TEACHER_FORMAT = 'clip-lab/tfidf-pca-teacher';

export interface TeacherFitOptions {
  /** Vocabulary size cap (default 4096). */
  maxVocab?: number;
  /** Captions used for the PCA covariance (default 20000; a seeded subsample above that). */
  maxFitDocs?: number;
  /** Subspace-iteration rounds (default 10). */
  powerIterations?: number;
  /** Extra subspace columns beyond dims (default 10). */
  oversample?: number;
}

export interface TeacherJSON {
  format: typeof TEACHER_FORMAT;
  version: 1;
  seed: number;
  dims: number;
  vocab: string[];
  idf: number[];
  mean: number[];
  /** V × dims, row-major (word-major). */
  components: number[];
  /** Eigenvalues of the kept components (variance along each). */
  explainedVariance: number[];
  fitDocs: number;
}

export class TfidfPcaTeacher {
  readonly name: string;
  readonly dims: number;
  private readonly index: Map<string, number>;
  private readonly idfArr: Float64Array;
  private readonly meanProj: Float64Array; // μᵀW, [dims]

  constructor(
    readonly vocab: readonly string[],
    private readonly idf: Float64Array,
    private readonly mean: Float64Array,
    /** V × dims row-major. */
    private readonly components: Float64Array,
    dims: number,
    readonly explainedVariance: Float64Array,
    readonly seed: number,
    readonly fitDocs: number,
  ) {
    this.dims = dims;
    this.name = `TF-IDF + PCA-${dims} (bag of words; no neural teacher)`;
    this.index = new Map(vocab.map((w, i) => [w, i]));
    this.idfArr = idf;
    this.meanProj = new Float64Array(dims);
    for (let j = 0; j < vocab.length; j++) for (let c = 0; c < dims; c++) this.meanProj[c] += mean[j] * components[j * dims + c];
  }

  /** Unit teacher features, n × dims row-major. */
  embed(captions: readonly string[]): Float32Array {
    const d = this.dims;
    const out = new Float32Array(captions.length * d);
    const y = new Float64Array(d);
    captions.forEach((cap, i) => {
      const { idx, val } = tfidfRow(teacherTokens(cap), this.index, this.idfArr);
      for (let c = 0; c < d; c++) y[c] = -this.meanProj[c];
      for (let t = 0; t < idx.length; t++) {
        const o = idx[t] * d;
        for (let c = 0; c < d; c++) y[c] += val[t] * this.components[o + c];
      }
      let sq = 0;
      for (let c = 0; c < d; c++) sq += y[c] * y[c];
      const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      for (let c = 0; c < d; c++) out[i * d + c] = y[c] * inv;
    });
    return out;
  }

  toJSON(): TeacherJSON {
    return {
      format: TEACHER_FORMAT,
      version: 1,
      seed: this.seed,
      dims: this.dims,
      vocab: [...this.vocab],
      idf: Array.from(this.idf),
      mean: Array.from(this.mean),
      components: Array.from(this.components),
      explainedVariance: Array.from(this.explainedVariance),
      fitDocs: this.fitDocs,
    };
  }

  static fromJSON(j: TeacherJSON): TfidfPcaTeacher {
    if (j.format !== TEACHER_FORMAT || j.version !== 1) throw new Error('not a TF-IDF/PCA teacher (version 1)');
    const V = j.vocab.length;
    if (j.idf.length !== V || j.mean.length !== V || j.components.length !== V * j.dims) throw new Error('teacher JSON: inconsistent sizes');
    return new TfidfPcaTeacher(
      j.vocab,
      Float64Array.from(j.idf),
      Float64Array.from(j.mean),
      Float64Array.from(j.components),
      j.dims,
      Float64Array.from(j.explainedVariance),
      j.seed,
      j.fitDocs,
    );
  }
}

/** Fit the TF-IDF + PCA teacher on a dataset's captions. Deterministic per (captions, dims, seed, options). */
export function fitTfidfPcaTeacher(captions: readonly string[], dims = 64, seed = 0, opts: TeacherFitOptions = {}): TfidfPcaTeacher {
  const maxVocab = opts.maxVocab ?? 4096;
  const maxFitDocs = opts.maxFitDocs ?? 20000;
  const iters = opts.powerIterations ?? 10;
  const oversample = opts.oversample ?? 10;
  if (captions.length < 2) throw new Error('TF-IDF teacher needs at least 2 captions');
  if (!(dims >= 1)) throw new Error(`TF-IDF teacher: dims must be ≥ 1, got ${dims}`);

  const docs = captions.map(teacherTokens);
  const df = new Map<string, number>();
  for (const toks of docs) for (const w of new Set(toks)) df.set(w, (df.get(w) ?? 0) + 1);
  const vocab = [...df.keys()]
    .sort((a, b) => df.get(b)! - df.get(a)! || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxVocab);
  const V = vocab.length;
  if (V === 0) throw new Error('TF-IDF teacher: the captions contain no words');
  const n = docs.length;
  const idf = Float64Array.from(vocab, (w) => Math.log((1 + n) / (1 + df.get(w)!)) + 1);
  const index = new Map(vocab.map((w, i) => [w, i]));

  const rng = new Rng(deriveSeed(seed, 'teacher.tfidf-pca'));
  let fitIdx = docs.map((_, i) => i);
  if (n > maxFitDocs) fitIdx = rng.shuffle(fitIdx).slice(0, maxFitDocs).sort((a, b) => a - b);
  const rows = fitIdx.map((i) => tfidfRow(docs[i], index, idf));
  const m = rows.length;
  const mean = new Float64Array(V);
  for (const { idx, val } of rows) for (let t = 0; t < idx.length; t++) mean[idx[t]] += val[t] / m;

  const target = Math.min(dims, V, m - 1);
  if (target < 1) throw new Error('TF-IDF teacher: not enough captions for PCA');
  const k = Math.min(V, target + oversample);
  let Q: Float64Array = new Float64Array(V * k);
  for (let i = 0; i < Q.length; i++) Q[i] = rng.normal();
  orthonormalise(Q, V, k, rng);
  for (let it = 0; it < iters; it++) {
    Q = covTimes(rows, mean, Q, V, k);
    orthonormalise(Q, V, k, rng);
  }
  // Rayleigh–Ritz: B = Qᵀ Σ Q
  const SQ = covTimes(rows, mean, Q, V, k);
  const Bm = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < V; j++) s += Q[j * k + a] * SQ[j * k + b];
      Bm[a * k + b] = s;
      Bm[b * k + a] = s;
    }
  const { values, vectors } = jacobiEigen(Bm, k);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const lmax = Math.max(values[order[0]], 0);
  let kept = 0;
  while (kept < target && values[order[kept]] > 1e-9 * lmax && values[order[kept]] > 0) kept++;
  if (kept === 0) throw new Error('TF-IDF teacher: the captions have no variance (all identical?)');
  const W = new Float64Array(V * kept);
  for (let c = 0; c < kept; c++) {
    const e = order[c];
    let maxAbs = 0;
    let sign = 1;
    for (let j = 0; j < V; j++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += Q[j * k + b] * vectors[b * k + e];
      W[j * kept + c] = s;
      if (Math.abs(s) > maxAbs + 1e-12) {
        maxAbs = Math.abs(s);
        sign = s < 0 ? -1 : 1;
      }
    }
    if (sign < 0) for (let j = 0; j < V; j++) W[j * kept + c] = -W[j * kept + c];
  }
  const explained = Float64Array.from({ length: kept }, (_, c) => values[order[c]]);
  return new TfidfPcaTeacher(vocab, idf, mean, W, kept, explained, seed, m);
}
