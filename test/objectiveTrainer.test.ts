// Trainer × objective (methods.md §1–§4): for each objective, 25 steps on a fixed synthetic batch (tiny
// preset) lower the loss with flat numTensors; components add up to the loss; SigLIP starts at t = ln 10,
// b = −10 and its bias moves. Plus: createObjective wiring, the ordering guard, and the batched metrics
// window (one read, components and extras, transferables).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../src/model/clipModel';
import { MODEL_PRESETS } from '../src/model/config';
import { createObjective } from '../src/objectives/createObjective';
import { SIGLIP_BIAS_PARAM } from '../src/objectives/siglipObjective';
import { transferablesOf } from '../src/protocol/trainer';
import type { ObjectiveConfig } from '../src/config/types';
import { Trainer, disposeStepResult } from '../src/train/trainStep';
import { syntheticBatch } from './helpers/syntheticBatch';
import { MetricsWindow } from '../src/worker/metricsWindow';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const OPTIM = { weightDecay: 0.1, beta1: 0.9, beta2: 0.98, eps: 1e-6, gradClip: 1.0 };
const STEPS = 25;


const CONFIGS: ObjectiveConfig[] = [
  { kind: 'clip' },
  { kind: 'pospair', lambda: 0.1 },
  { kind: 'siglip', initLogitScale: Math.log(10), initBias: -10 },
  { kind: 'cyclip', lambdaInModal: 0.25, lambdaCrossModal: 0.25 },
];

describe('Trainer with each objective', () => {
  it.each(CONFIGS.map((c) => [c.kind, c] as const))('%s: 25 steps lower the loss, numTensors flat', (_kind, config) => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 0);
    const objective = createObjective(config, model);
    const trainer = new Trainer(model, { ...OPTIM, schedule: { peakLr: 1e-3, minLr: 1e-4, warmupSteps: 3, totalSteps: STEPS } }, objective);
    const t0 = model.logitScale.dataSync()[0];
    if (config.kind === 'siglip') {
      expect(t0).toBeCloseTo(Math.log(10), 6);
      expect(model.params.get(SIGLIP_BIAS_PARAM).dataSync()[0]).toBe(-10);
      expect(model.params.params.find((p) => p.name === SIGLIP_BIAS_PARAM)!.decay).toBe(false);
    } else {
      expect(t0).toBeCloseTo(Math.log(1 / 0.07), 6);
      expect(model.params.has(SIGLIP_BIAS_PARAM)).toBe(false);
    }
    const batch = batchToTensors(syntheticBatch(8, 123));
    const losses: number[] = [];
    const counts: number[] = [];
    const biases: number[] = [];
    for (let k = 0; k < STEPS; k++) {
      const r = trainer.step(batch);
      expect(Object.keys(r.components)).toEqual([...objective.componentNames]);
      const loss = r.loss.dataSync()[0];
      const sum = Object.values(r.components).reduce((a, c) => a + c.dataSync()[0], 0);
      expect(Math.abs(sum - loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(loss)));
      expect(Number.isFinite(r.gradNorm.dataSync()[0])).toBe(true);
      const mp = r.meanPositive.dataSync()[0];
      expect(mp).toBeGreaterThanOrEqual(-1);
      expect(mp).toBeLessThanOrEqual(1);
      expect(Number.isFinite(r.meanMargin.dataSync()[0])).toBe(true);
      if (config.kind === 'siglip') {
        expect(Object.keys(r.extras)).toEqual(['bias']);
        const b = r.extras.bias.dataSync()[0];
        expect(b).toBe(model.params.get(SIGLIP_BIAS_PARAM).dataSync()[0]); // snapshot after the update
        biases.push(b);
      } else expect(Object.keys(r.extras)).toEqual([]);
      losses.push(loss);
      disposeStepResult(r);
      counts.push(tf.memory().numTensors);
    }
    expect(trainer.stepCount).toBe(STEPS);
    expect(counts[1]).toBe(counts[2]);
    expect(counts[STEPS - 1]).toBe(counts[1]);
    expect(losses[STEPS - 1]).toBeLessThan(0.5 * losses[0]);
    const t = model.logitScale.dataSync()[0];
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(Math.log(100) + 1e-6);
    if (config.kind === 'siglip') {
      expect(biases[STEPS - 1]).not.toBe(-10);
      expect(Math.abs(biases[STEPS - 1] + 10)).toBeGreaterThan(1e-3);
    }
    console.log(`${config.kind}: loss ${losses[0].toFixed(4)} → ${losses[STEPS - 1].toFixed(4)}${biases.length ? `, bias −10 → ${biases[STEPS - 1].toFixed(4)}` : ''}`);
    disposeBatchTensors(batch);
    trainer.dispose();
    model.dispose();
  });

  it('refuses to step when parameters were registered after the Trainer was built', () => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 2);
    const trainer = new Trainer(model, OPTIM, createObjective({ kind: 'clip' }, model));
    const late = createObjective({ kind: 'siglip', initLogitScale: Math.log(10), initBias: -10 }, model); // registers siglip_bias now
    expect(late.kind).toBe('siglip');
    const batch = batchToTensors(syntheticBatch(4, 9));
    const before = tf.memory().numTensors;
    expect(() => trainer.step(batch, 1e-3)).toThrow(/before the Trainer/);
    expect(tf.memory().numTensors).toBe(before);
    disposeBatchTensors(batch);
    trainer.dispose();
    model.dispose();
  });

  it('createObjective: SigLIP twice on one model re-initialises instead of registering twice; bad configs throw', () => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 3);
    const n = model.params.params.length;
    createObjective({ kind: 'siglip', initLogitScale: Math.log(10), initBias: -10 }, model);
    model.params.get(SIGLIP_BIAS_PARAM).assign(tf.scalar(3));
    createObjective({ kind: 'siglip', initLogitScale: 1, initBias: -5 }, model);
    expect(model.params.params.length).toBe(n + 1);
    expect(model.params.get(SIGLIP_BIAS_PARAM).dataSync()[0]).toBe(-5);
    expect(model.logitScale.dataSync()[0]).toBe(1);
    expect(() => createObjective({ kind: 'siglip', initLogitScale: 9, initBias: -10 }, model)).toThrow(/initial logit scale t/);
    expect(() => createObjective({ kind: 'pospair', lambda: -1 }, model)).toThrow();
    expect(() => createObjective({ kind: 'nope' } as unknown as ObjectiveConfig, model)).toThrow(/unknown objective/);
    model.dispose();
  });
});

describe('MetricsWindow with objective metrics', () => {
  it('reads loss, scale, grad norm, mean positive, margin and components in one batch; transferables cover them', async () => {
    const w = new MetricsWindow();
    const before = tf.memory().numTensors;
    for (let k = 1; k <= 3; k++) {
      w.push({
        step: k,
        lr: 0.1 * k,
        loss: tf.scalar(k),
        scale: tf.scalar(10 + k),
        gradNorm: tf.scalar(20 + k),
        meanPositive: tf.scalar(0.5 + k / 100),
        meanMargin: tf.scalar(-k / 10),
        components: { clip: tf.scalar(k - 0.25), reg: tf.scalar(0.25), bias: tf.scalar(-10 + k / 1000) },
        dataMs: 1,
        stepMs: 2,
      });
    }
    expect(w.size).toBe(3);
    const r = (await w.flush(8))!;
    expect(tf.memory().numTensors).toBe(before);
    expect(r.count).toBe(3);
    expect(Array.from(r.step)).toEqual([1, 2, 3]);
    expect(Array.from(r.loss)).toEqual([1, 2, 3]);
    expect(Array.from(r.logitScale)).toEqual([11, 12, 13]);
    expect(Array.from(r.gradNorm)).toEqual([21, 22, 23]);
    expect(Array.from(r.meanPositive)).toEqual([0.51, 0.52, 0.53].map(Math.fround));
    expect(Array.from(r.meanMargin)).toEqual([-0.1, -0.2, -0.3].map(Math.fround));
    expect(Object.keys(r.components)).toEqual(['clip', 'reg', 'bias']);
    expect(Array.from(r.components.clip)).toEqual([0.75, 1.75, 2.75]);
    expect(Array.from(r.components.reg)).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(r.components.bias)).toEqual([-9.999, -9.998, -9.997].map(Math.fround));
    const tr = transferablesOf(r);
    expect(new Set(tr).size).toBe(tr.length);
    expect(tr.length).toBe(9 + 3);
    for (const a of [r.step, r.loss, r.logitScale, r.lr, r.gradNorm, r.pairsPerSec, r.stepMs, r.meanPositive, r.meanMargin, ...Object.values(r.components)])
      expect(tr).toContain(a.buffer);
    expect(await w.flush(8)).toBeNull();
  });

  it('rejects a change of component names within a window (and disposes what it was given)', () => {
    const w = new MetricsWindow();
    const base = () => ({ step: 1, lr: 0, loss: tf.scalar(1), scale: tf.scalar(1), gradNorm: tf.scalar(1), meanPositive: tf.scalar(0), meanMargin: tf.scalar(0), dataMs: 0, stepMs: 0 });
    w.push({ ...base(), components: { clip: tf.scalar(1) } });
    const before = tf.memory().numTensors;
    expect(() => w.push({ ...base(), components: { siglip: tf.scalar(1) } })).toThrow(/components changed/);
    expect(tf.memory().numTensors).toBe(before);
    return w.flush(1);
  });
});
