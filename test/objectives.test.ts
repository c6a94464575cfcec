// The four objectives (methods.md §1–§4) against float64 references written here with plain doubles:
// values at N ∈ {1, 3, 5, 8}, D ∈ {4, 7} and several t (incl. ln 10 and ln 100; SigLIP with b = −10 and 0);
// tf gradients w.r.t. u, v, t (and SigLIP's b) against float64 central differences of the reference
// (once also through raw → L2 normalise); a hand-computed N = 2 case each; R = (2/N)Σ(1 − S_ii).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { l2Normalize } from '../src/model/layers';
import { createClipObjective } from '../src/objectives/clipObjective';
import { createCyclipObjective } from '../src/objectives/cyclipObjective';
import type { Objective } from '../src/objectives/objective';
import { createPositivePairObjective, positivePairPenalty } from '../src/objectives/positivePairObjective';
import { createSiglipObjective } from '../src/objectives/siglipObjective';
import { Rng } from '../src/util/prng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type M = number[][];

// ---------------------------------------------------------------- float64 references
const dot = (a: number[], b: number[]) => a.reduce((s, x, d) => s + x * b[d], 0);
const gram = (a: M, b: M): M => a.map((ai) => b.map((bj) => dot(ai, bj)));
const normalise = (a: M): M => a.map((r) => r.map((x) => x / Math.sqrt(dot(r, r) + 1e-12)));
const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
/** softplus(x) = log(1 + e^x), stable in doubles. */
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function refClip(u: M, v: M, t: number): number {
  const N = u.length;
  const s = Math.exp(t);
  const L = gram(u, v).map((r) => r.map((x) => s * x));
  let total = 0;
  for (let i = 0; i < N; i++) total += lse(L[i]) - L[i][i] + lse(L.map((r) => r[i])) - L[i][i];
  return total / (2 * N);
}

/** (1/N) Σ_i ||u_i − v_i||². */
function refR(u: M, v: M): number {
  return u.reduce((s, ui, i) => s + ui.reduce((a, x, d) => a + (x - v[i][d]) ** 2, 0), 0) / u.length;
}

function refSiglip(u: M, v: M, t: number, b: number): number {
  const N = u.length;
  const s = Math.exp(t);
  const S = gram(u, v);
  let total = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const z = i === j ? 1 : -1;
      total += softplus(-z * (s * S[i][j] + b)); // −log σ(z·x)
    }
  return total / N;
}

function refInModal(u: M, v: M): number {
  const UU = gram(u, u);
  const VV = gram(v, v);
  let total = 0;
  for (let j = 0; j < u.length; j++) for (let k = 0; k < u.length; k++) total += (UU[j][k] - VV[j][k]) ** 2;
  return total / u.length;
}

function refCrossModal(u: M, v: M): number {
  const S = gram(u, v);
  let total = 0;
  for (let j = 0; j < u.length; j++) for (let k = 0; k < u.length; k++) total += (S[j][k] - S[k][j]) ** 2;
  return total / u.length;
}

// ---------------------------------------------------------------- objectives under test
const LAMBDA = 0.1;
const L1 = 0.25;
const L2 = 0.25;

interface Case {
  name: string;
  make: (bias: tf.Variable) => Objective;
  /** Reference total loss and weighted components. */
  ref: (u: M, v: M, t: number, b: number) => { loss: number; components: Record<string, number> };
  /** Biases to sweep (only SigLIP has one). */
  biases: number[];
}

const CASES: Case[] = [
  {
    name: 'clip',
    make: () => createClipObjective(),
    ref: (u, v, t) => {
      const clip = refClip(u, v, t);
      return { loss: clip, components: { clip } };
    },
    biases: [0],
  },
  {
    name: 'pospair',
    make: () => createPositivePairObjective(LAMBDA),
    ref: (u, v, t) => {
      const clip = refClip(u, v, t);
      const reg = LAMBDA * refR(u, v);
      return { loss: clip + reg, components: { clip, reg } };
    },
    biases: [0],
  },
  {
    name: 'siglip',
    make: (bias) => createSiglipObjective(bias),
    ref: (u, v, t, b) => {
      const siglip = refSiglip(u, v, t, b);
      return { loss: siglip, components: { siglip } };
    },
    biases: [-10, 0],
  },
  {
    name: 'cyclip',
    make: () => createCyclipObjective(L1, L2),
    ref: (u, v, t) => {
      const clip = refClip(u, v, t);
      const inModal = L1 * refInModal(u, v);
      const crossModal = L2 * refCrossModal(u, v);
      return { loss: clip + inModal + crossModal, components: { clip, inModal, crossModal } };
    },
    biases: [0],
  },
];

/** Random unit rows, rounded to float32 so tf and the reference see the same numbers. */
function randUnit(rng: Rng, n: number, d: number): M {
  return Array.from({ length: n }, () => {
    const r = Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...r);
    return r.map((x) => Math.fround(x / norm));
  });
}

/** Realistic pairs: v_i correlated with u_i (cosine ≈ 0.3–0.9), like a partly trained model. */
function pairs(rng: Rng, n: number, d: number): { u: M; v: M } {
  const u = randUnit(rng, n, d);
  const noise = randUnit(rng, n, d);
  const v = u.map((ui, i) => {
    const w = 0.3 + 0.6 * rng.uniform();
    const r = ui.map((x, k) => w * x + (1 - w) * noise[i][k]);
    const norm = Math.hypot(...r);
    return r.map((x) => Math.fround(x / norm));
  });
  return { u, v };
}

const T_VALUES = [0, Math.log(1 / 0.07), Math.log(10), Math.log(100)].map(Math.fround);

/** Relative error with a floor: exact zeros (e.g. N = 1 CLIP, whose loss is 0) are compared absolutely. */
const relErr = (got: number, ref: number) => Math.abs(got - ref) / Math.max(Math.abs(ref), 1e-6);

function evalObjective(c: Case, u: M, v: M, t: number, b: number): { loss: number; components: Record<string, number>; numTensorsLeak: number } {
  const bias = tf.variable(tf.scalar(b));
  const obj = c.make(bias);
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const ut = tf.tensor2d(u);
    const vt = tf.tensor2d(v);
    const r = obj.compute({ uRaw: ut, vRaw: vt, u: ut, v: vt, logitScale: tf.scalar(t) });
    expect(Object.keys(r.components).sort()).toEqual([...obj.componentNames].sort());
    const comps: Record<string, number> = {};
    for (const [k, x] of Object.entries(r.components)) comps[k] = x.dataSync()[0];
    return { loss: r.loss.dataSync()[0], components: comps };
  });
  const leak = tf.memory().numTensors - before;
  bias.dispose();
  return { ...out, numTensorsLeak: leak };
}

describe('objective values vs float64 reference', () => {
  const rows: [string, number, number, number, number][] = [];
  for (const c of CASES) for (const N of [1, 3, 5, 8]) for (const D of [4, 7]) for (const t of T_VALUES) for (const b of c.biases) rows.push([c.name, N, D, t, b]);
  let worst = 0;

  it.each(rows)('%s N=%i D=%i t=%f b=%f', (name, N, D, t, b) => {
    const c = CASES.find((x) => x.name === name)!;
    const rng = new Rng(7919 * N + 101 * D + Math.round(t * 1000) + b);
    const { u, v } = pairs(rng, N, D);
    const ref = c.ref(u, v, t, b);
    const got = evalObjective(c, u, v, t, b);
    expect(got.numTensorsLeak).toBe(0);
    const e = relErr(got.loss, ref.loss);
    worst = Math.max(worst, e);
    expect(e).toBeLessThanOrEqual(1e-5);
    for (const k of Object.keys(ref.components)) {
      // Components: relative to the total loss (a weighted term can be ~0, e.g. the cycle terms at N = 1).
      expect(Math.abs(got.components[k] - ref.components[k]) / Math.max(Math.abs(ref.loss), 1e-6)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('worst relative error is reported', () => {
    console.log(`objective values: worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
  });
});

// ---------------------------------------------------------------- gradients
const H = 1e-6;
const fd = (f: (e: number) => number) => (f(H) - f(-H)) / (2 * H);
const bump = (a: M, i: number, d: number, e: number): M => a.map((r, p) => r.map((x, q) => (p === i && q === d ? x + e : x)));

interface GradCheck {
  du: number[];
  dv: number[];
  dt: number;
  db: number;
}

/** tf gradients via the Objective interface; `raw`: inputs are pre-normalisation and go through l2Normalize. */
function tfGrads(c: Case, u: M, v: M, t: number, b: number, raw: boolean): GradCheck {
  const bias = tf.variable(tf.scalar(b));
  const obj = c.make(bias);
  const uv = tf.variable(tf.tensor2d(u));
  const vv = tf.variable(tf.tensor2d(v));
  const tv = tf.variable(tf.scalar(t));
  const out = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const un = raw ? (l2Normalize(uv) as tf.Tensor2D) : uv;
      const vn = raw ? (l2Normalize(vv) as tf.Tensor2D) : vv;
      return obj.compute({ uRaw: uv, vRaw: vv, u: un, v: vn, logitScale: tv as tf.Scalar }).loss;
    }, [uv, vv, tv, bias]);
    const read = (x: tf.Variable) => (grads[x.name] ? Array.from(grads[x.name].dataSync()) : null);
    return { du: read(uv)!, dv: read(vv)!, dt: read(tv)![0], db: read(bias)?.[0] ?? 0 };
  });
  tf.dispose([bias, uv, vv, tv]);
  return out;
}

/** Float64 central differences of the reference. */
function fdGrads(c: Case, u: M, v: M, t: number, b: number, raw: boolean): GradCheck {
  const f = (uu: M, vv: M, tt: number, bb: number) => c.ref(raw ? normalise(uu) : uu, raw ? normalise(vv) : vv, tt, bb).loss;
  const N = u.length;
  const D = u[0].length;
  const du: number[] = [];
  const dv: number[] = [];
  for (let i = 0; i < N; i++)
    for (let d = 0; d < D; d++) {
      du.push(fd((e) => f(bump(u, i, d, e), v, t, b)));
      dv.push(fd((e) => f(u, bump(v, i, d, e), t, b)));
    }
  return { du, dv, dt: fd((e) => f(u, v, t + e, b)), db: fd((e) => f(u, v, t, b + e)) };
}

function compareGrads(got: GradCheck, ref: GradCheck, hasBias: boolean): number {
  const all = [...ref.du, ...ref.dv, ref.dt, ref.db].map(Math.abs);
  const scale = Math.max(1, ...all);
  let worst = 0;
  got.du.forEach((g, k) => (worst = Math.max(worst, Math.abs(g - ref.du[k]) / scale)));
  got.dv.forEach((g, k) => (worst = Math.max(worst, Math.abs(g - ref.dv[k]) / scale)));
  worst = Math.max(worst, Math.abs(got.dt - ref.dt) / scale);
  if (hasBias) worst = Math.max(worst, Math.abs(got.db - ref.db) / scale);
  else expect(got.db).toBe(0);
  return worst;
}

describe('objective gradients vs float64 central differences', () => {
  let worstGrad = 0;
  const rows: [string, number, number, number, number][] = [];
  for (const c of CASES)
    for (const N of [1, 3, 5, 8])
      for (const D of [4, 7]) for (const t of T_VALUES) for (const b of c.biases) rows.push([c.name, N, D, t, b]);

  it.each(rows)('%s N=%i D=%i t=%f b=%f: d/du, d/dv, d/dt (, d/db)', (name, N, D, t, b) => {
    const c = CASES.find((x) => x.name === name)!;
    const rng = new Rng(31 * N + 7 * D + Math.round(t * 100) - b);
    const { u, v } = pairs(rng, N, D);
    const err = compareGrads(tfGrads(c, u, v, t, b, false), fdGrads(c, u, v, t, b, false), name === 'siglip');
    worstGrad = Math.max(worstGrad, err);
    expect(err).toBeLessThan(5e-6);
  });

  it.each(CASES.map((c) => [c.name]))('%s: gradients through raw → L2 normalise (N=5, D=7)', (name) => {
    const c = CASES.find((x) => x.name === name)!;
    const rng = new Rng(4242);
    const N = 5;
    const D = 7;
    // Raw projections: non-unit, different norms per row.
    const raw = () => Array.from({ length: N }, () => Array.from({ length: D }, () => Math.fround(rng.normal() * (0.5 + rng.uniform()))));
    const u = raw();
    const v = u.map((r) => r.map((x) => Math.fround(x + 0.8 * rng.normal())));
    const t = Math.fround(Math.log(10));
    const b = name === 'siglip' ? -10 : 0;
    const err = compareGrads(tfGrads(c, u, v, t, b, true), fdGrads(c, u, v, t, b, true), name === 'siglip');
    worstGrad = Math.max(worstGrad, err);
    expect(err).toBeLessThan(5e-6);
  });

  it('worst gradient error is reported', () => {
    console.log(`objective gradients: worst error ${worstGrad.toExponential(2)} (relative to max(1, max |grad|))`);
  });

  it('SigLIP gradient w.r.t. b is nonzero and matches at b = 0 and b = −10', () => {
    const c = CASES.find((x) => x.name === 'siglip')!;
    const { u, v } = pairs(new Rng(5), 4, 4);
    for (const b of [0, -10]) {
      const got = tfGrads(c, u, v, Math.fround(Math.log(10)), b, false);
      const ref = fdGrads(c, u, v, Math.fround(Math.log(10)), b, false);
      expect(Math.abs(ref.db)).toBeGreaterThan(1e-3);
      expect(Math.abs(got.db - ref.db)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.db)));
    }
  });
});

// ---------------------------------------------------------------- hand-computed N = 2 cases
// u1 = (1, 0), u2 = (0, 1); v1 = (1, 0), v2 = (0.6, 0.8); t = 0 (s = 1):
// S = [[1, 0.6], [0, 0.8]] (exact in float32 up to rounding of 0.6 and 0.8).
describe('hand-computed N = 2', () => {
  const u = [
    [1, 0],
    [0, 1],
  ];
  const v = [
    [1, 0],
    [0.6, 0.8],
  ];
  const run = (obj: Objective) =>
    tf.tidy(() => {
      const ut = tf.tensor2d(u);
      const vt = tf.tensor2d(v);
      const r = obj.compute({ uRaw: ut, vRaw: vt, u: ut, v: vt, logitScale: tf.scalar(0) });
      const comps: Record<string, number> = {};
      for (const [k, x] of Object.entries(r.components)) comps[k] = x.dataSync()[0];
      return { loss: r.loss.dataSync()[0], comps };
    });
  const e = Math.E;
  // Rows: [1, 0.6] target 0, [0, 0.8] target 1; columns: [1, 0] target 0, [0.6, 0.8] target 1.
  const clipHand =
    (Math.log(e + Math.exp(0.6)) - 1 + (Math.log(1 + Math.exp(0.8)) - 0.8) + (Math.log(e + 1) - 1) + (Math.log(Math.exp(0.6) + Math.exp(0.8)) - 0.8)) / 4;

  it('CLIP: (1/4)[row CE + column CE] = 0.448879…', () => {
    expect(clipHand).toBeCloseTo(0.44887911881188625, 12);
    const r = run(createClipObjective());
    expect(r.loss).toBeCloseTo(clipHand, 6);
    expect(r.comps.clip).toBeCloseTo(clipHand, 6);
  });

  it('positive pair (λ = 0.5): R = ½(0 + 0.6² + 0.2²) = 0.2 = (2/2)[(1−1) + (1−0.8)], reg = 0.1', () => {
    const r = run(createPositivePairObjective(0.5));
    expect(r.comps.reg).toBeCloseTo(0.1, 6);
    expect(r.comps.clip).toBeCloseTo(clipHand, 6);
    expect(r.loss).toBeCloseTo(clipHand + 0.1, 6);
  });

  it('SigLIP (b = −1): x = S − 1 = [[0, −0.4], [−1, −0.2]]; L = ½[sp(0) + sp(0.2) + sp(−0.4) + sp(−1)] = 1.158781…', () => {
    const sp = (x: number) => Math.log(1 + Math.exp(x));
    const hand = (sp(0) + sp(0.2) + sp(-0.4) + sp(-1)) / 2;
    expect(hand).toBeCloseTo(1.1587814949298565, 12);
    const bias = tf.variable(tf.scalar(-1));
    const r = run(createSiglipObjective(bias));
    bias.dispose();
    expect(r.loss).toBeCloseTo(hand, 6);
    expect(r.comps.siglip).toBeCloseTo(hand, 6);
  });

  it('CyCLIP (λ1 = λ2 = 0.25): UUᵀ − VVᵀ = S − Sᵀ off-diagonals ±0.6 → each term ½·0.72 = 0.36, weighted 0.09', () => {
    const r = run(createCyclipObjective(0.25, 0.25));
    expect(r.comps.inModal).toBeCloseTo(0.09, 6);
    expect(r.comps.crossModal).toBeCloseTo(0.09, 6);
    expect(r.comps.clip).toBeCloseTo(clipHand, 6);
    expect(r.loss).toBeCloseTo(clipHand + 0.18, 6);
  });
});

describe('positive-pair regulariser', () => {
  it.each([1, 3, 5, 8])('R = (1/N)Σ||u_i − v_i||² equals (2/N)Σ(1 − S_ii) on unit vectors (N=%i)', (N) => {
    for (const D of [4, 7]) {
      const { u, v } = pairs(new Rng(100 + N * D), N, D);
      const S = gram(u, v);
      const twoOneMinus = (2 / N) * S.reduce((a, r, i) => a + (1 - r[i]), 0);
      const got = tf.tidy(() => positivePairPenalty(tf.tensor2d(u), tf.tensor2d(v)).dataSync()[0]);
      expect(Math.abs(refR(u, v) - twoOneMinus)).toBeLessThan(1e-6); // float32-rounded unit vectors
      expect(Math.abs(got - twoOneMinus)).toBeLessThan(2e-6);
      const obj = createPositivePairObjective(0.2);
      const reg = tf.tidy(() => {
        const ut = tf.tensor2d(u);
        const vt = tf.tensor2d(v);
        return obj.compute({ uRaw: ut, vRaw: vt, u: ut, v: vt, logitScale: tf.scalar(1) }).components.reg.dataSync()[0];
      });
      expect(Math.abs(reg - 0.2 * twoOneMinus)).toBeLessThan(1e-6);
    }
  });

  it('rejects a negative or non-finite λ', () => {
    expect(() => createPositivePairObjective(-0.1)).toThrow();
    expect(() => createPositivePairObjective(Number.NaN)).toThrow();
    expect(() => createCyclipObjective(0.25, -1)).toThrow();
  });
});
