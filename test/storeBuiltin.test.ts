import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fashionManifest, fashionMnistDatasetId, fashionShards } from '../src/data/builtin/builtinLoader';
import { parseFashionMnistBin, type FashionMnistData } from '../src/data/builtin/fashionMnist';
import { FASHION_CLASS_PHRASES, FASHION_PROMPT_TEMPLATES } from '../src/data/builtin/fashionMnistCaptions';
import type { ShardRecord } from '../src/data/store/types';
import { BpeTokenizer } from '../src/tokenizer/bpe';
import { syntheticFashion as synthetic } from './helpers/syntheticFashion';
import { recallAt } from '../src/eval/multiCaptionRecall';
import { retrievalRanks } from '../src/worker/evaluate';

async function collect(data: FashionMnistData, size: number) {
  const m = fashionManifest(fashionMnistDatasetId(size, 80), size);
  const shards: ShardRecord[] = [];
  for await (const s of fashionShards(m, data, 80)) shards.push(s);
  return { m, shards };
}

describe('built-in Fashion-MNIST writer', () => {
  it('maps train → train and test → val with labels, classes and seeded captions', async () => {
    const { m, shards } = await collect(synthetic(300, 40), 6);
    expect(m.id).toBe('fashion-mnist-s6-v80-schema2');
    expect(m.source).toBe('fashion-mnist');
    expect(m.splits).toEqual({ train: { pairs: 300, shards: 2 }, val: { pairs: 40, shards: 1 } });
    expect(shards.map((s) => `${s.split}/${s.index}/${s.count}`)).toEqual(['train/0/256', 'train/1/44', 'val/0/40']);
    expect(m.classes.map((c) => c.name)).toEqual([...FASHION_CLASS_PHRASES]);
    expect(m.classes.every((c) => !c.heldOut)).toBe(true);
    expect(m.promptTemplates).toEqual([...FASHION_PROMPT_TEMPLATES]);
    expect(BpeTokenizer.fromJSON(m.tokenizer as ReturnType<BpeTokenizer['toJSON']>).vocabSize).toBe(80);
    const val = shards[2];
    expect(Array.from(val.labels.slice(0, 4))).toEqual([7, 8, 9, 0]);
    expect(val.keys[0]).toBe('fashion-mnist-test-00000');
    expect(val.images.length).toBe(40 * 6 * 6 * 3);
    expect(val.captions[0]).toHaveLength(3);
    expect(val.captions[0].every((c) => c.includes(FASHION_CLASS_PHRASES[7]))).toBe(true);
    // Deterministic.
    const again = await collect(synthetic(300, 40), 6);
    expect(again.shards.map((s) => s.captions)).toEqual(shards.map((s) => s.captions));
  });

  it('reads the real served binary when present', async () => {
    const path = 'public/builtin/fashion-mnist.bin';
    if (!existsSync(path)) return;
    const data = parseFashionMnistBin(new Uint8Array(readFileSync(path)));
    const { m, shards } = await collect(data, 32);
    expect(m.splits.train.pairs).toBe(data.train.count);
    expect(m.splits.val.pairs).toBe(data.test.count);
    expect(shards.reduce((a, s) => a + s.count, 0)).toBe(data.train.count + data.test.count);
  }, 120_000);
});

describe('retrieval recall', () => {
  it('ranks the true pair by how many candidates beat it, ties in its favour', async () => {
    await tf.setBackend('cpu');
    // Queries e0, e1, e2 against candidates e0, e0, e1 (row i of each is a true pair).
    const q = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const c = tf.tensor2d([
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    // q0: true 1, others 1 and 0 → 0 strictly above → rank 0.
    // q1: true 0, others 0 and 1 → rank 1. q2: true 0, all 0 → rank 0.
    for (const chunk of [1, 2, 256]) expect(Array.from(await retrievalRanks(q, c, chunk))).toEqual([0, 1, 0]);
    tf.dispose([q, c]);
    expect(recallAt([0, 1, 0, 6], 1)).toBe(0.5);
    expect(recallAt([0, 1, 0, 6], 5)).toBe(0.75);
    expect(recallAt([], 1)).toBeNaN();
  });

  it('is 1 for identical unit embeddings and chance-like for random ones', async () => {
    await tf.setBackend('cpu');
    const n = 300;
    const u = tf.tidy(() => {
      const x = tf.randomNormal([n, 16], 0, 1, 'float32', 1);
      return x.div(x.norm('euclidean', 1, true)) as tf.Tensor2D;
    });
    expect(recallAt(await retrievalRanks(u, u, 64), 1)).toBe(1);
    const v = tf.tidy(() => {
      const x = tf.randomNormal([n, 16], 0, 1, 'float32', 2);
      return x.div(x.norm('euclidean', 1, true)) as tf.Tensor2D;
    });
    expect(recallAt(await retrievalRanks(u, v, 64), 5)).toBeLessThan(0.1);
    tf.dispose([u, v]);
  });
});
