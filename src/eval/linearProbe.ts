// Linear probe (docs/methods.md §7): multinomial logistic regression on frozen features, fitted in
// float64 by L-BFGS. The objective, strictly convex for λ > 0 (so the solution is unique and a
// reference solver must find the same one):
//   L(W, b) = (1/N) Σ_n −log softmax(x_n W + b)_{y_n} + (λ/2)‖W‖²_F      (the bias b is not penalised)
// λ is chosen on a validation split from a grid (best validation accuracy, ties → the larger λ),
// never on the test split; the chosen model is the one fitted on the training split. Pure JS: the
// feature matrices are small (N ≤ some thousands, D ≤ a few hundred).
import { softmaxRows } from './softmax';

export interface ProbeData {
  /** N×D features, row-major. */
  x: ArrayLike<number>;
  /** N labels in [0, classes). */
  y: ArrayLike<number>;
  n: number;
  d: number;
}

export interface ProbeModel {
  /** D×C weights, row-major. */
  w: Float64Array;
  /** C biases. */
  b: Float64Array;
  d: number;
  classes: number;
  lambda: number;
  /** Objective value at the solution, and L-BFGS iterations used. */
  loss: number;
  iterations: number;
}

export interface FitOptions {
  maxIterations?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradTol?: number;
  /** L-BFGS memory. */
  history?: number;
}

/** Logits (N×C) of a model for features x. */
function logits(m: { w: Float64Array; b: Float64Array; d: number; classes: number }, x: ArrayLike<number>, n: number): Float64Array {
  const { w, b, d, classes: c } = m;
  const z = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) z[i * c + k] = b[k]!;
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      if (v === 0) continue;
      for (let k = 0; k < c; k++) z[i * c + k]! += v * w[j * c + k]!;
    }
  }
  return z;
}

/** Objective and gradient at θ = [W (D·C), b (C)]. */
function objective(theta: Float64Array, data: ProbeData, c: number, lambda: number): { f: number; g: Float64Array } {
  const { x, y, n, d } = data;
  const wLen = d * c;
  const w = theta.subarray(0, wLen);
  const b = theta.subarray(wLen);
  const p = softmaxRows(logits({ w, b, d, classes: c }, x, n), n, c);
  let f = 0;
  for (let i = 0; i < n; i++) f -= Math.log(Math.max(p[i * c + y[i]!]!, 1e-300));
  f /= n;
  // dL/dz = (p − onehot(y)) / N
  for (let i = 0; i < n; i++) p[i * c + y[i]!]! -= 1;
  const g = new Float64Array(theta.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      if (v === 0) continue;
      for (let k = 0; k < c; k++) g[j * c + k]! += v * p[i * c + k]!;
    }
    for (let k = 0; k < c; k++) g[wLen + k]! += p[i * c + k]!;
  }
  let reg = 0;
  for (let t = 0; t < g.length; t++) g[t]! /= n;
  for (let t = 0; t < wLen; t++) {
    reg += w[t]! * w[t]!;
    g[t]! += lambda * w[t]!;
  }
  return { f: f + 0.5 * lambda * reg, g };
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Fits W, b from zero by L-BFGS with a backtracking (Armijo) line search. */
export function fitLinearProbe(data: ProbeData, classes: number, lambda: number, opts: FitOptions = {}): ProbeModel {
  const { maxIterations = 500, gradTol = 1e-9, history = 10 } = opts;
  if (!(lambda >= 0)) throw new Error(`linear probe: λ must be ≥ 0, got ${lambda}`);
  if (data.n < 1) throw new Error('linear probe: no training examples');
  for (let i = 0; i < data.n; i++) if (!(data.y[i]! >= 0 && data.y[i]! < classes)) throw new Error(`linear probe: label ${data.y[i]} of example ${i} is not in [0, ${classes})`);
  let theta = new Float64Array(data.d * classes + classes);
  let { f, g } = objective(theta, data, classes, lambda);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let it = 0;
  for (; it < maxIterations && maxAbs(g) > gradTol; it++) {
    // Two-loop recursion: direction = −H·g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k]!, q) / dot(Y[k]!, S[k]!);
      alpha[k] = a;
      for (let t = 0; t < q.length; t++) q[t]! -= a * Y[k]![t]!;
    }
    const gamma = S.length ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.max(1, maxAbs(g));
    for (let t = 0; t < q.length; t++) q[t]! *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = dot(Y[k]!, q) / dot(Y[k]!, S[k]!);
      for (let t = 0; t < q.length; t++) q[t]! += S[k]![t]! * (alpha[k]! - beta);
    }
    const dir = q.map((v) => -v);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let t = 0; t < dir.length; t++) dir[t] = -g[t]!;
      slope = dot(g, dir);
    }
    let step = 1;
    let next = theta;
    let trial = { f, g };
    for (let ls = 0; ls < 60; ls++) {
      next = theta.map((v, t) => v + step * dir[t]!);
      trial = objective(next, data, classes, lambda);
      if (trial.f <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    const s = next.map((v, t) => v - theta[t]!);
    const yv = trial.g.map((v, t) => v - g[t]!);
    if (dot(s, yv) > 1e-12) {
      S.push(s);
      Y.push(yv);
      if (S.length > history) {
        S.shift();
        Y.shift();
      }
    }
    const progress = f - trial.f;
    theta = next;
    ({ f, g } = trial);
    if (progress >= 0 && progress < 1e-16 * Math.max(1, Math.abs(f))) break;
  }
  const wLen = data.d * classes;
  return { w: theta.slice(0, wLen), b: theta.slice(wLen), d: data.d, classes, lambda, loss: f, iterations: it };
}

/** Class probabilities (N×C, row-major). */
export function probeProbabilities(m: ProbeModel, x: ArrayLike<number>, n: number): Float64Array {
  return softmaxRows(logits(m, x, n), n, m.classes);
}

/** Top-1 accuracy of the probe on a labelled split. */
export function probeAccuracy(m: ProbeModel, data: ProbeData): number {
  if (data.n === 0) return NaN;
  const p = probeProbabilities(m, data.x, data.n);
  let hit = 0;
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let k = 1; k < m.classes; k++) if (p[i * m.classes + k]! > p[i * m.classes + best]!) best = k;
    if (best === data.y[i]) hit++;
  }
  return hit / data.n;
}

/** The default λ grid: 10^-6 … 10^0, one point per decade. */
export const PROBE_LAMBDAS: readonly number[] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

export interface ProbeResult {
  model: ProbeModel;
  /** Validation accuracy of each λ of the grid (in grid order). */
  validation: { lambda: number; accuracy: number }[];
}

/** Fits one probe per λ on `train`, keeps the one with the best accuracy on `val` (ties → larger λ). */
export function chooseProbe(train: ProbeData, val: ProbeData, classes: number, lambdas: readonly number[] = PROBE_LAMBDAS, opts?: FitOptions): ProbeResult {
  if (!lambdas.length) throw new Error('linear probe: empty λ grid');
  if (val.n === 0) throw new Error('linear probe: the validation split is empty (λ is never chosen on the test split)');
  let best: ProbeModel | null = null;
  let bestAcc = -1;
  const validation: ProbeResult['validation'] = [];
  for (const lambda of lambdas) {
    const m = fitLinearProbe(train, classes, lambda, opts);
    const accuracy = probeAccuracy(m, val);
    validation.push({ lambda, accuracy });
    if (accuracy > bestAcc || (accuracy === bestAcc && best !== null && lambda > best.lambda)) {
      best = m;
      bestAcc = accuracy;
    }
  }
  return { model: best!, validation };
}
