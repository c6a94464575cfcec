// Float64 references for the contrastive losses and their analytic gradients (methods.md §1, §2),
// on flat row-major arrays so that they stay fast at N = 1024. Used by the fused-kernel browser
// tests; the analytic forms themselves are checked by finite differences in test/clipLoss.test.ts
// and test/objectives.test.ts.
import { Rng } from '../../src/util/prng';

export interface Embeddings {
  n: number;
  d: number;
  /** [n·d] row-major, float32-representable values. */
  u: Float64Array;
  v: Float64Array;
}

export interface ReferenceResult {
  loss: number;
  du: Float64Array;
  dv: Float64Array;
  dt: number;
  /** Σ|terms| of the sum that gives ∂L/∂t: its conditioning (the terms cancel near ∂L/∂t = 0). */
  dtScale: number;
  /** SigLIP only. */
  db?: number;
  dbScale?: number;
}

/** S = u·vᵀ in float64. */
function gram({ n, d, u, v }: Embeddings): Float64Array {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let k = 0; k < d; k++) a += u[i * d + k] * v[j * d + k];
      S[i * n + j] = a;
    }
  return S;
}

/** Given H = ∂L/∂x (x = s·S), the embedding gradients: du = s·H·v, dv = s·Hᵀ·u, dt = Σ H∘x. */
function chain(e: Embeddings, S: Float64Array, H: Float64Array, s: number): { du: Float64Array; dv: Float64Array; dt: number; dtScale: number } {
  const { n, d, u, v } = e;
  const du = new Float64Array(n * d);
  const dv = new Float64Array(n * d);
  let dt = 0;
  let dtScale = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const h = H[i * n + j];
      dt += h * s * S[i * n + j];
      dtScale += Math.abs(h * s * S[i * n + j]);
      for (let k = 0; k < d; k++) {
        du[i * d + k] += s * h * v[j * d + k];
        dv[j * d + k] += s * h * u[i * d + k];
      }
    }
  return { du, dv, dt, dtScale };
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** CLIP InfoNCE: L = (1/2N) Σ_i [lse_j x_ij − x_ii + lse_j x_ji − x_ii]; H = (P + Q − 2I)/(2N). */
export function clipReference(e: Embeddings, t: number): ReferenceResult {
  const { n } = e;
  const s = Math.exp(t);
  const S = gram(e);
  const lseRow = new Float64Array(n);
  const lseCol = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mr = -Infinity;
    let mc = -Infinity;
    for (let j = 0; j < n; j++) {
      mr = Math.max(mr, s * S[i * n + j]);
      mc = Math.max(mc, s * S[j * n + i]);
    }
    let zr = 0;
    let zc = 0;
    for (let j = 0; j < n; j++) {
      zr += Math.exp(s * S[i * n + j] - mr);
      zc += Math.exp(s * S[j * n + i] - mc);
    }
    lseRow[i] = mr + Math.log(zr);
    lseCol[i] = mc + Math.log(zc);
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    // lse − x_ii summed as lse_{j≠i}(x_ij − x_ii) through softplus: no cancellation when saturated.
    let offR = -Infinity;
    let offC = -Infinity;
    const xs: [number[], number[]] = [[], []];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      xs[0].push(s * (S[i * n + j] - S[i * n + i]));
      xs[1].push(s * (S[j * n + i] - S[i * n + i]));
    }
    for (const [k, arr] of xs.entries()) {
      if (!arr.length) continue;
      const m = Math.max(...arr);
      const r = m + Math.log(arr.reduce((a, x) => a + Math.exp(x - m), 0));
      if (k === 0) offR = r;
      else offC = r;
    }
    loss += (offR === -Infinity ? 0 : softplus(offR)) + (offC === -Infinity ? 0 : softplus(offC));
  }
  loss /= 2 * n;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = s * S[i * n + j];
      H[i * n + j] = (Math.exp(x - lseRow[i]) + Math.exp(x - lseCol[j]) - (i === j ? 2 : 0)) / (2 * n);
    }
  return { loss, ...chain(e, S, H, s) };
}

/** SigLIP: L = (1/N) Σ_ij softplus(−z_ij(x_ij + b)); H = −z σ(−z(x + b))/N; ∂L/∂b = ΣH. */
export function siglipReference(e: Embeddings, t: number, b: number): ReferenceResult {
  const { n } = e;
  const s = Math.exp(t);
  const S = gram(e);
  const H = new Float64Array(n * n);
  let loss = 0;
  let db = 0;
  let dbScale = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const z = i === j ? 1 : -1;
      const l = s * S[i * n + j] + b;
      loss += softplus(-z * l);
      const h = (-z * sigmoid(-z * l)) / n;
      H[i * n + j] = h;
      db += h;
      dbScale += Math.abs(h);
    }
  return { loss: loss / n, ...chain(e, S, H, s), db, dbScale };
}

/** Normwise relative error max|a − b| / max(max|b|, floor): the ≤ 1e-4 criterion of issue 5 for vectors. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Unit rows with v_i correlated to u_i (cosine ≈ 0.3–0.9), rounded to float32; deterministic in `seed`. */
export function correlatedEmbeddings(n: number, d: number, seed: number): Embeddings {
  const rng = new Rng(seed);
  const unitRow = (r: number[]) => {
    const norm = Math.hypot(...r);
    return r.map((x) => Math.fround(x / norm));
  };
  const u = new Float64Array(n * d);
  const v = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const ui = unitRow(Array.from({ length: d }, () => rng.normal()));
    const noise = unitRow(Array.from({ length: d }, () => rng.normal()));
    const w = 0.3 + 0.6 * rng.uniform();
    const vi = unitRow(ui.map((x, k) => w * x + (1 - w) * noise[k]));
    u.set(ui, i * d);
    v.set(vi, i * d);
  }
  return { n, d, u, v };
}
