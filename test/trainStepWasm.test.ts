// Cross-backend check: the same seeded model trains to the same losses on wasm as on cpu (init is
// built in JS, so step 0 must agree to float rounding), and wasm's numTensors stays flat.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../src/model/clipModel';
import { MODEL_PRESETS, type ModelConfig } from '../src/model/config';
import { createClipObjective } from '../src/objectives/clipObjective';
import { Trainer, disposeStepResult } from '../src/train/trainStep';
import { Rng } from '../src/util/prng';

const cfg: ModelConfig = { ...MODEL_PRESETS.tiny, image: { ...MODEL_PRESETS.tiny.image, pooling: 'cls' } };

function batch(B: number) {
  const rng = new Rng(17);
  const S = cfg.image.imageSize;
  const T = cfg.text.contextLength;
  return {
    size: B,
    imageSize: S,
    images: Float32Array.from({ length: B * S * S * 3 }, () => rng.normal()),
    contextLength: T,
    tokens: Int32Array.from({ length: B * T }, () => rng.int(cfg.text.vocabSize)),
    eot: Int32Array.from({ length: B }, () => 2 + rng.int(T - 2)),
  };
}

async function run(backend: string): Promise<{ losses: number[]; counts: number[] }> {
  await tf.setBackend(backend);
  const model = new ClipModel(cfg, 3);
  const trainer = new Trainer(model, {
    schedule: { peakLr: 1e-3, minLr: 1e-4, warmupSteps: 2, totalSteps: 6 },
    weightDecay: 0.2,
    beta1: 0.9,
    beta2: 0.98,
    eps: 1e-6,
    gradClip: 1,
  }, createClipObjective());
  const t = batchToTensors(batch(6));
  const losses: number[] = [];
  const counts: number[] = [];
  for (let k = 0; k < 6; k++) {
    const r = trainer.step(t);
    losses.push((await r.loss.data())[0]);
    disposeStepResult(r);
    counts.push(tf.memory().numTensors);
  }
  disposeBatchTensors(t);
  trainer.dispose();
  model.dispose();
  return { losses, counts };
}

describe('Trainer on wasm', () => {
  it('matches cpu losses step by step; numTensors flat', async () => {
    setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.counts[2]).toBe(wasm.counts[1]);
    expect(wasm.counts[5]).toBe(wasm.counts[1]);
    expect(Math.abs(wasm.losses[0] - cpu.losses[0])).toBeLessThan(1e-5 * Math.max(1, cpu.losses[0]));
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-3 * Math.max(1, cpu.losses[i])));
    await tf.setBackend('cpu');
  });
});
