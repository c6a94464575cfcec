// An in-memory dataset and a small run config for Run / checkpoint tests (Node, tfjs cpu): 8×8
// images whose colour and half follow a colour × shape caption, in shards of 16 pairs.
import type { ShardRecord } from '../../src/data/store/types';
import { defaultTrainConfig } from '../../src/config/defaults';
import type { MetricsReport } from '../../src/protocol/trainer';
import type { ObjectiveConfig, TrainConfig } from '../../src/config/types';
import type { Run } from '../../src/train/run';
import { disposeStepResult } from '../../src/train/trainStep';
import type { RunDataset } from '../../src/train/runDataset';
import type { BpeTokenizer } from '../../src/tokenizer/bpe';
import { trainBpe } from '../../src/tokenizer/trainBpe';
import { Rng } from '../../src/util/prng';

const COLOURS = ['red', 'green', 'blue', 'yellow'];
const SHAPES = ['square', 'circle', 'triangle'];
export const MEMORY_IMAGE_SIZE = 8;
const SHARD = 16;

export interface MemoryData {
  data: RunDataset;
  tokenizer: BpeTokenizer;
}

export function memoryDataset(pairs = 96, id = 'memory-ds'): MemoryData {
  const S = MEMORY_IMAGE_SIZE;
  const rng = new Rng(11);
  const shards: ShardRecord[] = [];
  const all: string[] = [];
  for (let start = 0, index = 0; start < pairs; start += SHARD, index++) {
    const n = Math.min(SHARD, pairs - start);
    const images = new Uint8Array(n * S * S * 3);
    const captions: string[][] = [];
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.int(COLOURS.length);
      const s = rng.int(SHAPES.length);
      labels[i] = c * SHAPES.length + s;
      for (let p = 0; p < S * S; p++) {
        const on = s === 0 || (s === 1 ? p % S < S / 2 : Math.floor(p / S) < S / 2);
        for (let ch = 0; ch < 3; ch++) images[(i * S * S + p) * 3 + ch] = on && ch === c % 3 ? 220 : 20 + rng.int(40);
      }
      captions.push([`a ${COLOURS[c]} ${SHAPES[s]}`, `${SHAPES[s]} in ${COLOURS[c]}`]);
      all.push(...captions[i]!);
    }
    shards.push({ key: `${id}/train/${index}`, datasetId: id, split: 'train', index, count: n, images, captions, labels, keys: captions.map((_, i) => `k${start + i}`) });
  }
  const data: RunDataset = {
    identity: { id, name: 'memory', source: 'shapes', imageSize: S, trainPairs: pairs, valPairs: 0 },
    layout: { name: 'memory', imageSize: S, shardSize: SHARD, splits: { train: { pairs, shards: shards.length }, val: { pairs: 0, shards: 0 } } },
    loadShard: async (split, index) => {
      if (split !== 'train' || !shards[index]) throw new Error(`no shard ${split}/${index}`);
      return shards[index]!;
    },
    allCaptions: async () => [...all],
  };
  return { data, tokenizer: trainBpe(all, 64) };
}

/** A small resolved config (model sized for 8×8 images and the 64-token vocabulary). */
export function memoryConfig(objective: ObjectiveConfig, steps = 40, batchSize = 8): TrainConfig {
  const c = defaultTrainConfig('tiny');
  return {
    ...c,
    objective,
    batchSize,
    steps,
    seed: 3,
    model: {
      ...c.model,
      image: { ...c.model.image, imageSize: MEMORY_IMAGE_SIZE, patchSize: 4, width: 16, layers: 1, heads: 2 },
      text: { ...c.model.text, vocabSize: 64, contextLength: 8, width: 16, layers: 1, heads: 2 },
      embedDim: 16,
    },
    optim: { ...c.optim, warmupSteps: 2 },
  };
}

export const PROTOCLIP_SMALL: ObjectiveConfig = {
  kind: 'protoclip',
  episodeSize: 32,
  clusters: 4,
  kmeansIterations: 3,
  kmeansRestarts: 1,
  headHidden: 8,
  headOut: 4,
  pbt: true,
  teacher: true,
};

/** Trains n steps; returns each step's loss and appends it to the run's history (as the session does). */
export async function trainRun(run: Run, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await run.trainStep();
    const loss = (await s.result.loss.data())[0]!;
    disposeStepResult(s.result);
    out.push(loss);
    const one = (x: number) => Float32Array.of(x);
    const report: MetricsReport = {
      type: 'metrics', count: 1, step: Float64Array.of(s.step), loss: one(loss), logitScale: one(1), lr: one(s.lr), gradNorm: one(0),
      pairsPerSec: one(0), stepMs: one(s.stepMs), meanPositive: one(0), meanMargin: one(0), components: { clip: one(loss) },
    };
    run.history.appendMetrics(report);
  }
  return out;
}
