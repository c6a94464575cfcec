// Fused WebGPU contrastive-loss kernels (src/kernels) against a float64 reference and against the
// op-composed tfjs version, on the real WebGPU backend (SwiftShader here): loss and every gradient
// (u, v, t, and SigLIP's b) at batch sizes that are not multiples of the 16×16 tile, no
// `uncapturederror`, and no tensor left behind.
import type { Worker } from '@playwright/test';
import { expect, test, trainerWorker, waitForBackend } from './fixtures';
import { clipReference, correlatedEmbeddings, relErr, siglipReference, type ReferenceResult } from '../test/helpers/contrastiveReference';

const TOL = 1e-4;
/**
 * ∂L/∂t and ∂L/∂b are sums over all pairs whose terms cancel (∂L/∂t crosses 0 as t is learnt), so
 * their float32 value, fused or not, can only be as good as the terms' rounding times the
 * cancellation. Their error is taken relative to max(|ref|, CANCEL·Σ|terms|): plain relative error
 * until the terms cancel more than 1/CANCEL : 1. The fused kernel must also be no worse than tfjs.
 */
const CANCEL = 0.01;
const LOG_INV_007 = Math.log(1 / 0.07);

interface Case {
  n: number;
  d: number;
  t: number;
  b: number;
}

const CASES: Case[] = [
  { n: 1, d: 7, t: LOG_INV_007, b: -10 },
  { n: 5, d: 33, t: LOG_INV_007, b: -10 },
  { n: 63, d: 64, t: Math.log(100), b: 0 },
  { n: 65, d: 17, t: LOG_INV_007, b: -10 },
  { n: 100, d: 256, t: Math.log(100), b: -5 },
  { n: 300, d: 64, t: LOG_INV_007, b: -10 },
  { n: 1024, d: 64, t: LOG_INV_007, b: -10 },
];

interface Side {
  loss: number;
  du: number[];
  dv: number[];
  dt: number;
  db?: number;
  /** Most GPU buffer bytes in use during forward + backward, above what was in use before. */
  peakBytes: number;
}
interface WorkerResult {
  fused: Side;
  composed: Side;
  fusedActive: boolean;
  leaked: number;
  errors: string[];
}

async function runInWorker(worker: Worker, objective: 'clip' | 'siglip', c: Case, u: number[], v: number[]): Promise<WorkerResult> {
  return worker.evaluate(
    async ({ objective, c, u, v }) => {
      const tf = (globalThis as any).__clipLabTf;
      const L = (globalThis as any).__clipLabLosses;
      if (tf.getBackend() !== 'webgpu') {
        await tf.setBackend('webgpu');
        await tf.ready();
      }
      tf.env().set('WEBGPU_CPU_FORWARD', false); // every op of the composed path on the GPU too
      const device = tf.backend().device as GPUDevice;
      const errors: string[] = [];
      const onError = (e: any) => errors.push(String(e.error?.message ?? e));
      device.addEventListener('uncapturederror', onError);
      const before = tf.memory().numTensors;
      const ut = tf.tensor2d(u, [c.n, c.d]);
      const vt = tf.tensor2d(v, [c.n, c.d]);
      const tt = tf.scalar(c.t);
      const bt = tf.scalar(c.b);
      const run = async (fused: boolean) => {
        const f =
          objective === 'clip'
            ? (a: any, b: any, t: any) => (fused ? L.clipLossFused(a, b, t) : L.clipLossComposed(a, b, t))
            : (a: any, b: any, t: any, bias: any) => (fused ? L.siglipLossFused(a, b, t, bias) : L.siglipLossComposed(a, b, t, bias));
        const args = objective === 'clip' ? [ut, vt, tt] : [ut, vt, tt, bt];
        // Real GPU buffers, from tfjs-webgpu's buffer manager (tf.profile counts a clone's shared
        // buffer twice). Buffers freed by dispose return to the pool only after the queue is
        // submitted, so this errs on the high side, for both versions alike.
        const bm = tf.backend().bufferManager;
        const acquire = bm.acquireBuffer;
        const startBytes = bm.numBytesUsed;
        let peak = startBytes;
        bm.acquireBuffer = (...a: unknown[]) => {
          const buffer = acquire.apply(bm, a);
          peak = Math.max(peak, bm.numBytesUsed);
          return buffer;
        };
        let value: any;
        let grads: any[] = [];
        try {
          ({ value, grads } = tf.valueAndGrads(f)(args));
        } finally {
          bm.acquireBuffer = acquire;
        }
        const out = {
          peakBytes: peak - startBytes,
          loss: (await value.data())[0],
          du: Array.from(await grads[0].data()) as number[],
          dv: Array.from(await grads[1].data()) as number[],
          dt: (await grads[2].data())[0],
          db: objective === 'siglip' ? (await grads[3].data())[0] : undefined,
        };
        tf.dispose([value, ...grads]);
        return out;
      };
      const fusedActive = L.fusedLossActive();
      const fused = await run(true);
      const composed = await run(false);
      tf.dispose([ut, vt, tt, bt]);
      await device.queue.onSubmittedWorkDone();
      device.removeEventListener('uncapturederror', onError);
      return { fused, composed, fusedActive, leaked: tf.memory().numTensors - before, errors };
    },
    { objective, c, u, v },
  );
}

function errors(got: Side, ref: ReferenceResult) {
  const rel = (a: number, b: number, scale = 0) => Math.abs(a - b) / Math.max(Math.abs(b), CANCEL * scale, 1e-6);
  return {
    loss: rel(got.loss, ref.loss),
    du: relErr(got.du, ref.du, 1e-6),
    dv: relErr(got.dv, ref.dv, 1e-6),
    dt: rel(got.dt, ref.dt, ref.dtScale),
    db: ref.db === undefined ? 0 : rel(got.db!, ref.db, ref.dbScale),
    dtPlain: rel(got.dt, ref.dt),
  };
}

function expectClose(name: string, got: Side, ref: ReferenceResult, hasBias: boolean): void {
  const e = errors(got, ref);
  console.log(
    `${name.padEnd(44)} rel. error  loss ${e.loss.toExponential(1)}  du ${e.du.toExponential(1)}  dv ${e.dv.toExponential(1)}  dt ${e.dt.toExponential(1)} (plain ${e.dtPlain.toExponential(1)}, terms cancel ${ref.dt === 0 ? '—' : (ref.dtScale / Math.abs(ref.dt)).toFixed(0)}:1)${hasBias ? `  db ${e.db.toExponential(1)}` : ''}`,
  );
  expect(e.loss, `${name}: loss ${got.loss} vs ${ref.loss}`).toBeLessThanOrEqual(TOL);
  expect(e.du, `${name}: ∂L/∂u`).toBeLessThanOrEqual(TOL);
  expect(e.dv, `${name}: ∂L/∂v`).toBeLessThanOrEqual(TOL);
  expect(e.dt, `${name}: ∂L/∂t ${got.dt} vs ${ref.dt}`).toBeLessThanOrEqual(TOL);
  if (hasBias) expect(e.db, `${name}: ∂L/∂b ${got.db} vs ${ref.db}`).toBeLessThanOrEqual(TOL);
}

for (const objective of ['clip', 'siglip'] as const) {
  test(`fused ${objective} loss matches float64 and op-composed on WebGPU`, async ({ page, guard }) => {
    void guard;
    test.setTimeout(600_000);
    await page.goto('/');
    await waitForBackend(page); // the backend micro-benchmark switches backends: let it finish
    const worker = await trainerWorker(page);
    await expect.poll(() => worker.evaluate(() => typeof (globalThis as any).__clipLabLosses), { timeout: 30_000 }).toBe('object');
    for (const [k, c] of CASES.entries()) {
      const e = correlatedEmbeddings(c.n, c.d, 7919 * (k + 1));
      const ref = objective === 'clip' ? clipReference(e, c.t) : siglipReference(e, c.t, c.b);
      const r = await runInWorker(worker, objective, c, Array.from(e.u), Array.from(e.v));
      const label = `${objective} N=${c.n} D=${c.d} t=${c.t.toFixed(3)}${objective === 'siglip' ? ` b=${c.b}` : ''}`;
      expect(r.fusedActive, `${label}: the fused path is what training uses on WebGPU`).toBe(true);
      expect(r.errors, `${label}: uncapturederror`).toEqual([]);
      expect(r.leaked, `${label}: tensors left behind`).toBe(0);
      expectClose(`${label} fused`, r.fused, ref, objective === 'siglip');
      expectClose(`${label} op-composed`, r.composed, ref, objective === 'siglip');
      // At most one N×N float32 buffer at a time (the similarity, turned into the gradient in place),
      // plus O(N·D) for the gradients and their bookkeeping, and O(N) statistics. At N = 1024 the
      // allowance is half an N×N buffer, so a second one would fail this.
      const nn = c.n * c.n * 4;
      const small = 4 * (8 * c.n * c.d + 16 * c.n) + 65536;
      console.log(`${label}: peak GPU buffer bytes over N×N·4 — fused ${(r.fused.peakBytes / nn).toFixed(2)}, op-composed ${(r.composed.peakBytes / nn).toFixed(2)}`);
      expect(r.fused.peakBytes, `${label}: fused peak memory`).toBeLessThanOrEqual(nn + small);
      if (c.n >= 63) expect(r.composed.peakBytes, `${label}: the measure sees op-composed's temporaries`).toBeGreaterThan(2 * nn);
      const [ef, ec] = [errors(r.fused, ref), errors(r.composed, ref)];
      for (const k of ['loss', 'du', 'dv', 'dt', 'db'] as const) expect(ef[k], `${label}: fused ${k} no worse than op-composed`).toBeLessThanOrEqual(Math.max(4 * ec[k], 2e-6));
    }
  });
}
