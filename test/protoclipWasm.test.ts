// Cross-backend check for the ProtoCLIP building blocks: k-means, PBT, soft targets, prototype
// losses (with gradients) and the heads (forward, gradients, running stats) give the cpu results
// on wasm too (wasm 4.22 has no gather gradient and a broken float32 oneHot), with flat numTensors.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ParamRegistry } from '../src/model/params';
import { ProtoHeads } from '../src/objectives/protoclip/heads';
import { kmeans } from '../src/objectives/protoclip/kmeans';
import { backTranslate } from '../src/objectives/protoclip/pbt';
import { protoHardLoss, protoLoss } from '../src/objectives/protoclip/protoLoss';
import { protoSoftTargets } from '../src/objectives/protoclip/softTargets';
import { Rng } from '../src/util/prng';

function unitRows(seed: number, n: number, d: number, centres = 0, noise = 0.1): number[][] {
  const rng = new Rng(seed);
  const unit = (v: number[]) => {
    const m = Math.hypot(...v);
    return v.map((x) => x / m);
  };
  const cs = Array.from({ length: centres }, () => unit(Array.from({ length: d }, () => rng.normal())));
  return Array.from({ length: n }, (_, i) =>
    unit(centres ? cs[i % centres].map((x) => x + noise * rng.normal()) : Array.from({ length: d }, () => rng.normal())),
  );
}

interface Out {
  assignments: number[];
  centroids: number[];
  pbt: number[];
  targets: number[];
  loss: number;
  gradH: number[];
  gradT: number;
  hard: number;
  headTrain: number[];
  headEval: number[];
  headGrad: number[];
  counts: number[];
  kmeansMs: number;
}

async function run(backend: string): Promise<Out> {
  await tf.setBackend(backend);
  const X = tf.tensor2d(unitRows(1, 240, 16, 8, 0.15));
  const t0 = performance.now();
  const km = await kmeans(X, 8, { seed: 2, maxChunkElements: 8 * 50 });
  const kmeansMs = performance.now() - t0;
  const other = tf.tensor2d(unitRows(2, 240, 16));
  const pbt = backTranslate(other, km.assignments, 8);
  const batch = Int32Array.from({ length: 12 }, (_, i) => km.assignments[i * 7]);
  const targets = protoSoftTargets(km.centroids, batch);
  const h = tf.tensor2d(unitRows(3, 12, 16));
  const t = tf.scalar(Math.log(20));
  const { value, grads } = tf.tidy(() => {
    const g = tf.grads((hh: tf.Tensor, tt: tf.Tensor) => protoLoss(hh as tf.Tensor2D, pbt, targets, tt as tf.Scalar))([h, t]);
    return { value: protoLoss(h, pbt, targets, t), grads: g };
  });
  const hard = protoHardLoss(h, pbt, batch, t);

  const reg = new ParamRegistry(4);
  const heads = new ProtoHeads(reg, 10, 12, 6);
  const xr = tf.tensor2d(unitRows(5, 9, 10).map((r) => r.map((v) => 3 * v)));
  const counts: number[] = [];
  let headTrain: number[] = [];
  let headGrad: number[] = [];
  for (let step = 0; step < 3; step++) {
    const res = tf.tidy(() => {
      const { value: v, grads: g } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(heads.image(xr, true), 0.3))) as tf.Scalar, heads.variables().slice(0, 6));
      return { out: heads.image(xr, true), g: g[reg.get('proto.img_head.fc1.w').name], v };
    });
    if (step === 0) {
      headTrain = Array.from(await res.out.data());
      headGrad = Array.from(await res.g.data());
    }
    tf.dispose([res.out, res.g, res.v]);
    counts.push(tf.memory().numTensors);
  }
  const headEval = Array.from(await heads.image(xr, false).data());

  const out: Out = {
    assignments: Array.from(km.assignments),
    centroids: Array.from(await km.centroids.data()),
    pbt: Array.from(await pbt.data()),
    targets: Array.from(await targets.data()),
    loss: (await value.data())[0],
    gradH: Array.from(await grads[0].data()),
    gradT: (await grads[1].data())[0],
    hard: (await hard.data())[0],
    headTrain,
    headEval,
    headGrad,
    counts,
    kmeansMs,
  };
  tf.dispose([X, km.centroids, other, pbt, targets, h, t, value, ...grads, hard, xr]);
  heads.dispose();
  reg.dispose();
  return out;
}

const close = (a: number[], b: number[], tol: number) => a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol * Math.max(1, Math.abs(b[i]))));

describe('ProtoCLIP blocks on wasm', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('match cpu; numTensors flat', async () => {
    setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.assignments).toEqual(cpu.assignments);
    close(wasm.centroids, cpu.centroids, 1e-5);
    close(wasm.pbt, cpu.pbt, 1e-5);
    close(wasm.targets, cpu.targets, 1e-4);
    close([wasm.loss, wasm.hard, wasm.gradT], [cpu.loss, cpu.hard, cpu.gradT], 1e-4);
    close(wasm.gradH, cpu.gradH, 1e-4);
    close(wasm.headTrain, cpu.headTrain, 1e-5);
    close(wasm.headEval, cpu.headEval, 1e-5);
    close(wasm.headGrad, cpu.headGrad, 1e-4);
    expect(wasm.counts[2]).toBe(wasm.counts[0]);
    expect(cpu.counts[2]).toBe(cpu.counts[0]);
    console.log(`kmeans E=240 K=8: cpu ${cpu.kmeansMs.toFixed(0)} ms, wasm ${wasm.kmeansMs.toFixed(0)} ms`);
  });

  it('timing: k-means E = 2000, K = 200, P = 64 on wasm', async () => {
    await tf.setBackend('wasm');
    const X = tf.tensor2d(unitRows(99, 2000, 64, 200, 0.15));
    const t0 = performance.now();
    const r = await kmeans(X, 200, { seed: 1 });
    console.log(`kmeans 200 blobs E=2000 K=200 P=64 (wasm): ${(performance.now() - t0).toFixed(0)} ms, rounds ${r.restartIterations.join('/')}`);
    tf.dispose([X, r.centroids]);
  });
});
