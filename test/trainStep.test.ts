// Trainer: on a fixed synthetic batch (8 noise images, 8 random captions, tiny preset) 30 steps cut
// the CLIP loss by > 30%; numTensors stays flat across steps; t stays clamped.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../src/model/clipModel';
import { MODEL_PRESETS } from '../src/model/config';
import { createClipObjective } from '../src/objectives/clipObjective';
import { Trainer, disposeStepResult } from '../src/train/trainStep';
import { syntheticBatch } from './helpers/syntheticBatch';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const OPT = { weightDecay: 0.2, beta1: 0.9, beta2: 0.98, eps: 1e-6 };


describe('Trainer', () => {
  it('30 steps on a fixed batch reduce the loss by > 30% with flat numTensors', () => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 0);
    const trainer = new Trainer(model, {
      schedule: { peakLr: 1e-3, minLr: 1e-4, warmupSteps: 3, totalSteps: 30 },
      ...OPT,
      weightDecay: 0.1,
      gradClip: 1.0,
    }, createClipObjective());
    const batch = batchToTensors(syntheticBatch(8, 123));
    const losses: number[] = [];
    const counts: number[] = [];
    for (let k = 0; k < 30; k++) {
      const r = trainer.step(batch);
      losses.push(r.loss.dataSync()[0]);
      const gn = r.gradNorm.dataSync()[0];
      expect(Number.isFinite(gn) && gn > 0).toBe(true);
      disposeStepResult(r);
      counts.push(tf.memory().numTensors);
    }
    expect(trainer.stepCount).toBe(30);
    expect(counts[1]).toBe(counts[2]);
    expect(counts[29]).toBe(counts[1]);
    expect(losses[29]).toBeLessThan(0.7 * losses[0]);
    const t = model.logitScale.dataSync()[0];
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(Math.log(100) + 1e-6);
    console.log(`loss ${losses[0].toFixed(4)} → ${losses[29].toFixed(4)}`);
    disposeBatchTensors(batch);
    trainer.dispose();
    model.dispose();
  });

  it('the logit scale receives a gradient and is clamped after the step', () => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 1);
    model.logitScale.assign(tf.scalar(Math.log(100)));
    const trainer = new Trainer(model, {
      ...OPT,
      gradClip: 0,
    }, createClipObjective());
    const batch = batchToTensors(syntheticBatch(4, 5));
    const before = model.params.get('txt.proj.w').dataSync().slice();
    expect(() => trainer.step(batch)).toThrow(/schedule/);
    const r = trainer.step(batch, 1);
    expect(r.lr).toBe(1);
    // lr = 1 pushes t far; the clamp brings it back into [0, ln 100]
    const t = model.logitScale.dataSync()[0];
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(Math.log(100) + 1e-6);
    expect(Array.from(model.params.get('txt.proj.w').dataSync())).not.toEqual(Array.from(before));
    disposeStepResult(r);
    disposeBatchTensors(batch);
    trainer.dispose();
    model.dispose();
  });

  it('a fixed temperature (learnLogitScale: false) holds t at its initial value while learning moves it', () => {
    const run = (learn: boolean) => {
      const model = new ClipModel({ ...MODEL_PRESETS.tiny, initLogitScale: Math.log(10), learnLogitScale: learn }, 2);
      const trainer = new Trainer(model, { schedule: { peakLr: 1e-2, minLr: 1e-2, warmupSteps: 0, totalSteps: 5 }, ...OPT, gradClip: 0 }, createClipObjective());
      const batch = batchToTensors(syntheticBatch(8, 9));
      for (let k = 0; k < 5; k++) disposeStepResult(trainer.step(batch));
      const t = model.logitScale.dataSync()[0]!;
      disposeBatchTensors(batch);
      trainer.dispose();
      model.dispose();
      return t;
    };
    expect(run(false)).toBe(Math.fround(Math.log(10)));
    expect(Math.abs(run(true) - Math.log(10))).toBeGreaterThan(1e-3);
  });
});
