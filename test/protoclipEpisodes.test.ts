// ProtoCLIP's episodic loop (methods.md §5) on a tiny in-memory dataset, Node cpu: episode 1 is a
// CLIP-only warm-up (prototype components 0), later episodes build prototypes and add the prototype
// losses; the sub-phases are reported; numTensors at the start of episodes 3 and 4 are equal (the
// previous episode's tensors are released); episode batches carry their positions.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipModel, batchToTensors, disposeBatchTensors } from '../src/model/clipModel';
import { MODEL_PRESETS } from '../src/model/config';
import { createObjective } from '../src/objectives/createObjective';
import { ProtoclipObjective } from '../src/objectives/protoclip/protoclipObjective';
import type { ObjectiveConfig } from '../src/config/types';
import { Trainer, disposeStepResult } from '../src/train/trainStep';
import { Rng } from '../src/util/prng';
import { shuffledPositions } from '../src/objectives/protoclip/episode';
import { readEpisodeFromShards, type EpisodePairSource } from '../src/objectives/protoclip/episodePairs';
import { ProtoclipEpisodes, type EpisodeProgress } from '../src/objectives/protoclip/episodes';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COLOURS = ['red', 'green', 'blue', 'yellow'];
const SHAPES = ['square', 'circle', 'triangle'];

/** Words → ids (1 = start, 2 = end, 3… words). */
const encoder = (vocabSize: number) => ({
  encodeBatch(texts: string[], T: number) {
    const tokens = new Int32Array(texts.length * T);
    const eot = new Int32Array(texts.length);
    texts.forEach((t, b) => {
      const words = t.split(' ').slice(0, T - 2);
      tokens[b * T] = 1;
      words.forEach((w, i) => {
        let h = 0;
        for (const ch of w) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
        tokens[b * T + 1 + i] = 3 + (h % (vocabSize - 3));
      });
      eot[b] = words.length + 1;
      tokens[b * T + eot[b]] = 2;
    });
    return { tokens, eot };
  },
});

/** Two "shards" of pairs whose image colour/brightness pattern follows the caption's class. */
function memorySource(S: number, pairs: number[]): EpisodePairSource {
  const rng = new Rng(7);
  const shards = pairs.map((n) => {
    const images = new Uint8Array(n * S * S * 3);
    const captions: string[][] = [];
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.int(COLOURS.length);
      const s = rng.int(SHAPES.length);
      labels[i] = c * SHAPES.length + s;
      for (let p = 0; p < S * S; p++) {
        const on = s === 0 ? true : s === 1 ? (p % S) < S / 2 : Math.floor(p / S) < S / 2;
        for (let ch = 0; ch < 3; ch++) images[(i * S * S + p) * 3 + ch] = on && ch === c % 3 ? 220 : c === 3 && on ? 200 : 20 + rng.int(30);
      }
      captions.push([`a ${COLOURS[c]} ${SHAPES[s]}`, `${SHAPES[s]} in ${COLOURS[c]}`]);
    }
    return { images, captions, labels };
  });
  return {
    numPairs: pairs.reduce((a, b) => a + b, 0),
    imageSize: S,
    read: (indices, seed) => readEpisodeFromShards(indices, seed, pairs, S, async (s) => shards[s]),
    allCaptions: async () => shards.flatMap((sh) => sh.captions.flat()),
  };
}

describe('ProtoCLIP episodes', () => {
  it('reads pairs across shards by global index', async () => {
    const src = memorySource(4, [5, 7]);
    const d = await src.read(Int32Array.from([0, 6, 11, 6]), 1);
    expect(d.captions).toHaveLength(4);
    const again = await src.read(Int32Array.from([6]), 1);
    expect(Array.from(d.images.subarray(48, 96))).toEqual(Array.from(again.images.subarray(0, 48)));
    await expect(src.read(Int32Array.from([12]), 1)).rejects.toThrow(/outside/);
    const perm = shuffledPositions(10, 3);
    expect(Array.from(perm).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it.each([false, true])('teacher=%s: warm-up, prototypes, phases, flat numTensors across episodes', async (teacher) => {
    const cfg = MODEL_PRESETS.tiny;
    const model = new ClipModel(cfg, 0);
    const config: ObjectiveConfig = {
      kind: 'protoclip',
      episodeSize: 64,
      clusters: 0,
      kmeansIterations: 5,
      kmeansRestarts: 2,
      headHidden: 32,
      headOut: 16,
      pbt: true,
      teacher,
    };
    const objective = createObjective(config, model) as ProtoclipObjective;
    expect(objective).toBeInstanceOf(ProtoclipObjective);
    expect(model.params.get('proto.logit_scale').dataSync()[0]).toBeCloseTo(Math.log(1 / 0.07), 6);
    const trainer = new Trainer(model, { weightDecay: 0.1, beta1: 0.9, beta2: 0.98, eps: 1e-6, gradClip: 1, schedule: { peakLr: 1e-3, minLr: 1e-4, warmupSteps: 2, totalSteps: 20 } }, objective);
    const progress: EpisodeProgress[] = [];
    const tensorsAtStart: number[] = [];
    const B = 16;
    const episodes = new ProtoclipEpisodes({
      model,
      objective,
      config,
      source: memorySource(cfg.image.imageSize, [60, 50]),
      tokenizer: encoder(cfg.text.vocabSize),
      contextLength: cfg.text.contextLength,
      batchSize: B,
      seed: 3,
      onProgress: (p) => {
        progress.push(p);
        if (p.sub === 'sampling' && p.done === 0) tensorsAtStart[p.episode] = tf.memory().numTensors;
      },
    });
    expect(episodes.stepsPerEpisode).toBe(4);
    expect(episodes.K).toBe(6);
    const perStep: { episode: number; comps: Record<string, number>; extras: Record<string, number> }[] = [];
    for (let step = 0; step < 4 * 4 + 1; step++) {
      const batch = await episodes.nextBatch();
      expect(batch.episodePositions).toHaveLength(B);
      const t = batchToTensors(batch);
      t.episodePositions = batch.episodePositions;
      const r = trainer.step(t);
      disposeBatchTensors(t);
      const comps = Object.fromEntries(Object.entries(r.components).map(([k, v]) => [k, v.dataSync()[0]]));
      const extras = Object.fromEntries(Object.entries(r.extras).map(([k, v]) => [k, v.dataSync()[0]]));
      expect(r.loss.dataSync()[0]).toBeCloseTo(Object.values(comps).reduce((a, b) => a + b, 0), 4);
      disposeStepResult(r);
      perStep.push({ episode: episodes.episode, comps, extras });
    }
    expect(objective.componentNames).toEqual(teacher ? ['clip', 'protoI2T', 'protoT2I', 'protoI2E', 'protoT2E'] : ['clip', 'protoI2T', 'protoT2I']);
    // Warm-up: CLIP only.
    for (const s of perStep.filter((s) => s.episode === 1)) {
      expect(s.comps.protoI2T).toBe(0);
      expect(s.comps.protoT2I).toBe(0);
      expect(s.extras.protoAcc).toBe(0);
    }
    // Later episodes: prototype losses > 0, accuracy in [0, 1], s_p within the clamp.
    for (const s of perStep.filter((s) => s.episode >= 2)) {
      expect(s.comps.protoI2T).toBeGreaterThan(0);
      expect(s.comps.protoT2I).toBeGreaterThan(0);
      if (teacher) expect(s.comps.protoI2E).toBeGreaterThan(0);
      expect(s.extras.protoAcc).toBeGreaterThanOrEqual(0);
      expect(s.extras.protoAcc).toBeLessThanOrEqual(1);
      expect(s.extras.protoScale).toBeGreaterThan(1);
      expect(s.extras.protoScale).toBeLessThanOrEqual(100 + 1e-3);
    }
    const subs = new Set(progress.map((p) => `${p.episode}:${p.sub}`));
    expect(subs.has('1:feature pass')).toBe(false);
    expect(subs.has('1:clustering')).toBe(false);
    for (const e of [2, 3, 4]) for (const sub of ['sampling', 'feature pass', 'clustering', 'training']) expect(subs.has(`${e}:${sub}`), `${e}:${sub}`).toBe(true);
    expect(episodes.episode).toBe(5);
    expect(tensorsAtStart[4]).toBe(tensorsAtStart[3]);
    expect(tensorsAtStart[5]).toBe(tensorsAtStart[4]);
    episodes.dispose();
    objective.dispose();
    trainer.dispose();
    model.dispose();
  }, 60_000);

  it('refuses an episode smaller than the batch', () => {
    const model = new ClipModel(MODEL_PRESETS.tiny, 0);
    const config = { kind: 'protoclip', episodeSize: 8, clusters: 0, kmeansIterations: 5, kmeansRestarts: 1, headHidden: 8, headOut: 4, pbt: true, teacher: false } as const;
    const objective = createObjective(config, model) as ProtoclipObjective;
    expect(
      () =>
        new ProtoclipEpisodes({ model, objective, config, source: memorySource(MODEL_PRESETS.tiny.image.imageSize, [20]), tokenizer: encoder(100), contextLength: 8, batchSize: 16, seed: 0 }),
    ).toThrow(/episode size/);
    objective.dispose();
    model.dispose();
  });
});

describe('ProtoCLIP in the UI config', async () => {
  const { defaultObjective } = await import('../src/config/defaults');
  const { objectiveOf } = await import('../src/config/objectiveOf');
  const { objectiveProblems } = await import('../src/config/validate');
  const { objectiveShort } = await import('../src/ui/objectives');
  it('defaults, old/garbled configs, problems', () => {
    expect(defaultObjective('protoclip')).toEqual({
      kind: 'protoclip',
      episodeSize: 2048,
      clusters: 0,
      kmeansIterations: 20,
      kmeansRestarts: 3,
      headHidden: 256,
      headOut: 64,
      pbt: true,
      teacher: false,
    });
    expect(objectiveOf({ objective: { kind: 'protoclip', episodeSize: 512, pbt: 'yes' } })).toMatchObject({ episodeSize: 512, pbt: true, clusters: 0 });
    expect(objectiveProblems(defaultObjective('protoclip'))).toEqual([]);
    expect(objectiveProblems({ ...(defaultObjective('protoclip') as Extract<ObjectiveConfig, { kind: 'protoclip' }>), clusters: 5000 })).toHaveLength(1);
    expect(objectiveShort(defaultObjective('protoclip'))).toBe('protoclip E=2048 K=E/10');
  });
});
