// Loss micro-benchmark (issue 5): forward + backward of the contrastive losses, fused WebGPU kernels
// vs the op-composed tfjs version, on the active backend. One run = value and gradients w.r.t.
// u, v, t (and SigLIP's b) inside one tidy, then ONE scalar that depends on the loss and every
// gradient (loss + Σ sum(grad)) is read back: that waits for the device to finish, and the read
// costs the same (4 bytes) for both variants. The first run of each variant is untimed and also
// compares the two variants' loss and gradients. Timed repeats alternate the variants' order so that
// drift (thermal, GC, buffer pools) hits both alike. A variant whose single run is predicted (∝ N²
// from a smaller N at the same D) above maxRunMs, or whose first run took over 2 × maxRunMs, is
// skipped at that point; a point whose first run exceeds slowRunMs gets 1 warm-up and minRepeats.
import * as tf from '@tensorflow/tfjs';
import { clipLossFused, siglipLossFused } from '../kernels/fusedLoss';
import { clipLossComposed } from '../objectives/clipLoss';
import { siglipLossComposed } from '../objectives/siglipObjective';
import type { LossBenchReport, LossBenchRequest, LossBenchRow, TimingStats } from '../protocol/bench';
import type { Request } from '../protocol/requests';

export const CLIP_INIT_T = Math.log(1 / 0.07);
export const SIGLIP_INIT_B = -10;

type Variant = 'composed' | 'fused';
type LossOf = (...xs: tf.Tensor[]) => tf.Scalar;

export interface LossBenchDeps {
  post: (r: LossBenchReport) => void;
  /** Lets queued messages (status, pause) in between runs. */
  yieldFn: () => Promise<void>;
}

/** Median, min, max and quartiles (linear interpolation) of the samples. */
export function timingStats(samples: number[]): TimingStats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    if (s.length === 0) return NaN;
    const x = p * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.ceil(x);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  };
  return { samples, medianMs: q(0.5), minMs: s[0] ?? NaN, maxMs: s[s.length - 1] ?? NaN, q1Ms: q(0.25), q3Ms: q(0.75) };
}

function lossFunction(objective: LossBenchRequest['objective'], variant: Variant): LossOf {
  if (objective === 'clip') {
    const f = variant === 'fused' ? clipLossFused : clipLossComposed;
    return (u, v, t) => f(u as tf.Tensor2D, v as tf.Tensor2D, t as tf.Scalar);
  }
  const f = variant === 'fused' ? siglipLossFused : siglipLossComposed;
  return (u, v, t, b) => f(u as tf.Tensor2D, v as tf.Tensor2D, t as tf.Scalar, b as tf.Scalar);
}

/** u, v: random normal rows, L2-normalised (on the active backend); t = ln(1/0.07); b = −10 (SigLIP). */
function makeInputs(n: number, d: number, objective: LossBenchRequest['objective'], seed: number): tf.Tensor[] {
  return tf.tidy(() => {
    const unit = (s: number) => {
      const x = tf.randomNormal([n, d], 0, 1, 'float32', s);
      return tf.mul(x, tf.rsqrt(tf.sum(tf.square(x), -1, true)));
    };
    const xs: tf.Tensor[] = [unit(seed), unit(seed + 1), tf.scalar(CLIP_INIT_T)];
    if (objective === 'siglip') xs.push(tf.scalar(SIGLIP_INIT_B));
    return xs;
  });
}

interface RunResult {
  ms: number;
  loss?: number;
  /** Kept gradients (first run only; caller disposes). */
  grads?: tf.Tensor[];
}

/** One timed forward + backward; `keep` also returns the loss value and the gradients. */
async function runOnce(f: LossOf, xs: tf.Tensor[], keep: boolean): Promise<RunResult> {
  const t0 = performance.now();
  const out = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(f)(xs);
    const check = grads.reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(g)), value);
    return keep ? { check: tf.stack([value, check]), grads } : { check, grads: [] as tf.Tensor[] };
  });
  let values: Float32Array;
  try {
    values = (await out.check.data()) as Float32Array;
  } catch (e) {
    tf.dispose(out.grads);
    throw e;
  } finally {
    out.check.dispose();
  }
  const ms = performance.now() - t0;
  return keep ? { ms, loss: values[0], grads: out.grads } : { ms };
}

/** max over the gradients of max|a − b| / max|b| (relative to each reference gradient's largest entry). */
async function maxRelDiff(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  const m = tf.tidy(() =>
    tf.max(tf.stack(a.map((x, i) => tf.div(tf.max(tf.abs(tf.sub(x, b[i]))), tf.maximum(tf.max(tf.abs(b[i])), 1e-30))))),
  );
  try {
    return (await m.data())[0];
  } finally {
    m.dispose();
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the request on the active backend (the caller switches backends). */
export async function runLossBenchmark(req: LossBenchRequest & Request, deps: LossBenchDeps): Promise<void> {
  const backend = tf.getBackend();
  const slowRunMs = req.slowRunMs ?? 5000;
  const minRepeats = Math.max(1, req.minRepeats ?? 2);
  const maxRunMs = req.maxRunMs ?? 60_000;
  const start = performance.now();
  const rows: LossBenchRow[] = [];
  const report = (done: boolean, error?: string) =>
    deps.post({ type: 'lossBench', requestId: req.requestId, backend: req.backend, objective: req.objective, rows: rows.map((r) => ({ ...r })), done, error });
  if (backend !== req.backend) {
    report(true, `backend ${req.backend} is not active (active: ${backend})`);
    return;
  }
  const fusedPossible = backend === 'webgpu';
  /** Per D, per N: each variant's median time (else its first-run time), to predict larger N (∝ N²). */
  const runMs = new Map<number, Map<number, Partial<Record<Variant, number>>>>();
  const predict = (n: number, d: number, v: Variant): { ms: number; from: number } | null => {
    const known = [...(runMs.get(d)?.entries() ?? [])].filter(([m, t]) => m < n && t[v] !== undefined).sort((a, b) => b[0] - a[0])[0];
    return known ? { ms: known[1][v]! * (n / known[0]) ** 2, from: known[0] } : null;
  };

  for (const [k, { n, d }] of req.points.entries()) {
    const p0 = performance.now();
    const numTensorsBefore = tf.memory().numTensors;
    const row: LossBenchRow = {
      n,
      d,
      composed: null,
      fused: null,
      ratio: null,
      warmup: 0,
      repeats: 0,
      lossComposed: null,
      lossFused: null,
      maxGradRelDiff: null,
      numTensorsBefore,
      numTensorsAfter: numTensorsBefore,
      note: '',
      fusedNote: fusedPossible ? undefined : 'fused kernels exist on webgpu only',
      totalMs: 0,
    };
    const notes: string[] = [];
    const finishRow = () => {
      row.note = notes.join('; ');
      row.numTensorsAfter = tf.memory().numTensors;
      row.totalMs = performance.now() - p0;
      rows.push(row);
      report(k === req.points.length - 1);
    };

    if (req.budgetMs !== undefined && performance.now() - start > req.budgetMs) {
      notes.push(`skipped: benchmark budget of ${seconds(req.budgetMs)} used up`);
      finishRow();
      continue;
    }
    const variants: Variant[] = [];
    for (const v of fusedPossible ? (['composed', 'fused'] as const) : (['composed'] as const)) {
      const p = predict(n, d, v);
      if (p && p.ms > maxRunMs) notes.push(`${v} skipped: one run predicted ≈ ${seconds(p.ms)} (from N=${p.from}, ∝ N²) > cap ${seconds(maxRunMs)}`);
      else variants.push(v);
    }
    if (variants.length === 0) {
      finishRow();
      continue;
    }

    const xs = makeInputs(n, d, req.objective, 1000 + k);
    const samples: Record<Variant, number[]> = { composed: [], fused: [] };
    const times: Partial<Record<Variant, number>> = {};
    const drop = (v: Variant) => {
      if (variants.includes(v)) variants.splice(variants.indexOf(v), 1);
      samples[v] = [];
    };
    const failFused = (e: unknown) => {
      row.fusedNote = `fused failed: ${errorText(e)}`;
      drop('fused');
    };
    try {
      // ---- first (untimed) run of each variant: compile / allocate; compare fused with composed
      const grads: Partial<Record<Variant, tf.Tensor[]>> = {};
      try {
        for (const v of [...variants]) {
          try {
            const r = await runOnce(lossFunction(req.objective, v), xs, true);
            grads[v] = r.grads;
            times[v] = r.ms;
            if (v === 'composed') row.lossComposed = r.loss!;
            else row.lossFused = r.loss!;
          } catch (e) {
            if (v === 'fused') failFused(e);
            else throw e;
          }
          await deps.yieldFn();
        }
        if (grads.composed && grads.fused) row.maxGradRelDiff = await maxRelDiff(grads.fused, grads.composed);
      } finally {
        tf.dispose([...(grads.composed ?? []), ...(grads.fused ?? [])]);
      }
      for (const v of [...variants]) {
        // The first run includes shader compilation / allocation: only a far slower one stops the point.
        if (times[v]! > 2 * maxRunMs) {
          notes.push(`${v} skipped: first run took ${seconds(times[v]!)} > 2 × cap ${seconds(maxRunMs)}`);
          drop(v);
        }
      }
      const slowest = Math.max(0, ...variants.map((v) => times[v]!));
      const slow = slowest > slowRunMs;
      row.warmup = slow ? 1 : Math.max(1, req.warmup);
      row.repeats = slow ? Math.min(minRepeats, req.repeats) : req.repeats;
      if (slow && variants.length) notes.push(`slow point (first run ${seconds(slowest)} > ${seconds(slowRunMs)}): ${row.warmup} warm-up, ${row.repeats} repeats`);

      // ---- remaining warm-up runs, then timed repeats, variants interleaved
      const run = async (v: Variant, timed: boolean) => {
        if (!variants.includes(v)) return;
        try {
          const r = await runOnce(lossFunction(req.objective, v), xs, false);
          if (timed) samples[v].push(r.ms);
        } catch (e) {
          if (v === 'fused') failFused(e);
          else throw e;
        }
        await deps.yieldFn();
      };
      for (let w = 1; w < row.warmup; w++) for (const v of [...variants]) await run(v, false);
      for (let r = 0; r < row.repeats; r++) {
        const order = r % 2 === 0 ? [...variants] : [...variants].reverse();
        for (const v of order) await run(v, true);
      }
      if (samples.composed.length) row.composed = timingStats(samples.composed);
      if (samples.fused.length) row.fused = timingStats(samples.fused);
      if (row.composed && row.fused) row.ratio = row.fused.medianMs / row.composed.medianMs;
      // Predict larger N from the steady state (the first run includes shader compilation).
      const byN = runMs.get(d) ?? new Map<number, Partial<Record<Variant, number>>>();
      byN.set(n, { composed: row.composed?.medianMs ?? times.composed, fused: row.fused?.medianMs ?? times.fused });
      runMs.set(d, byN);
    } catch (e) {
      notes.push(`failed: ${errorText(e)}`);
    } finally {
      tf.dispose(xs);
      finishRow();
      await deps.yieldFn();
    }
  }
  if (req.points.length === 0) report(true);
}
