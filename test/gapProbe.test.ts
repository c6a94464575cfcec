// The gap lab's probe: which pairs it takes (the first of the validation split, in shard order),
// and a snapshot's contents against the encoder it was given and gapMetrics on the same rows.
import { describe, expect, it } from 'vitest';
import { gapMetrics } from '../src/eval/gapMetrics';
import { collectGapProbe, recordGapSnapshot, type GapEncoder } from '../src/lab/gapProbe';
import type { ShardRecord } from '../src/data/store/types';

const S = 2;
const px = S * S * 3;

function shard(start: number, count: number): ShardRecord {
  const images = new Uint8Array(count * px);
  for (let i = 0; i < count; i++) images.fill(start + i, i * px, (i + 1) * px);
  return {
    count,
    images,
    labels: Int32Array.from({ length: count }, (_, i) => (start + i) % 3),
    captions: Array.from({ length: count }, (_, i) => [`caption ${start + i}`, `other ${start + i}`]),
    keys: Array.from({ length: count }, (_, i) => `k${start + i}`),
  } as unknown as ShardRecord;
}

async function* shards(...xs: ShardRecord[]) {
  for (const x of xs) yield x;
}

const manifest = { id: 'ds', name: 'Tiny set', imageSize: S, classes: [{ name: 'a', heldOut: false }, { name: 'b', heldOut: false }, { name: 'c', heldOut: false }], promptTemplates: ['a {}', 'the {}'] };

/** Image i ↦ a unit vector from its pixel value; a text ↦ from its number; prompts by their label letter. */
const d = 3;
function unit(x: number[]): number[] {
  const n = Math.hypot(...x);
  return x.map((v) => v / n);
}
const fake: GapEncoder = {
  embedDim: d,
  encodeImages: async (rgb, n) => Float32Array.from(Array.from({ length: n }, (_, i) => unit([1, rgb[i * px]! / 10, 0.2])).flat()),
  encodeTexts: async (texts) =>
    Float32Array.from(
      texts.flatMap((t) => {
        const num = /(\d+)/.exec(t);
        if (num) return unit([0.2, Number(num[1]) / 10, 1]);
        return unit([t.endsWith('a') ? 1 : 0, t.endsWith('b') ? 1 : 0, t.endsWith('c') ? 1 : 0.1]);
      }),
    ),
};

describe('collectGapProbe', () => {
  it('takes the first pairs in shard order, caption 0 each, with pixels and labels', async () => {
    const p = await collectGapProbe(shards(shard(0, 5), shard(5, 5)), manifest, 7);
    expect(p.n).toBe(7);
    expect(p.captions).toEqual(['caption 0', 'caption 1', 'caption 2', 'caption 3', 'caption 4', 'caption 5', 'caption 6']);
    expect(Array.from(p.labels)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(p.thumbnails.length).toBe(7 * px);
    expect(p.thumbnails[6 * px]).toBe(6);
    expect(p.key).toBe('ds:7');
    expect(p.templates).toEqual(['a {}', 'the {}']);
  });

  it('uses all pairs of a small split and refuses fewer than 4', async () => {
    expect((await collectGapProbe(shards(shard(0, 5)), manifest, 256)).n).toBe(5);
    await expect(collectGapProbe(shards(shard(0, 3)), manifest)).rejects.toThrow(/Tiny set: .*at least 4 validation pairs.*has 3/);
  });
});

describe('recordGapSnapshot', () => {
  it('carries the encoder’s rows, the ensemble class vectors and gapMetrics of the same rows', async () => {
    const p = await collectGapProbe(shards(shard(0, 8)), manifest, 8);
    const s = await recordGapSnapshot(fake, p, 40, 12.5);
    expect(s.step).toBe(40);
    expect(s.logitScale).toBe(12.5);
    expect(s.u).toEqual(await fake.encodeImages(p.thumbnails, 8, p.imageSize));
    expect(s.v).toEqual(await fake.encodeTexts(p.captions));
    const want = gapMetrics(s.u, s.v, 8, d);
    expect(s.metrics.centroidDistance).toBeCloseTo(want.centroidDistance, 12);
    expect(s.metrics.separability).toBe(want.separability);
    expect(Array.from(s.metrics.perDimension)).toEqual(Array.from(want.perDimension, Math.fround));
    // class "a": both prompts end in "a" → w_a = (1, 0, 0.1)/‖·‖
    expect(s.classVectors.length).toBe(3 * d);
    const wa = unit([1, 0, 0.1]);
    for (let k = 0; k < d; k++) expect(s.classVectors[k]!).toBeCloseTo(wa[k]!, 6);
  });
});
