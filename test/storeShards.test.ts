import { describe, expect, it } from 'vitest';
import { ShardPacker } from '../src/data/store/shardPacker';
import { SHARD_SIZE, shardBytes, shardCount, shardCounts, shardKey, shardsFor, utf8Length, type ShardRecord } from '../src/data/store/types';
import { splitWarnings } from '../src/data/store/importPipeline';

const S = 4;
const PX = S * S * 3;
const rgbOf = (n: number) => new Uint8Array(PX).fill(n & 255);

describe('ShardPacker', () => {
  it('packs 256 pairs per shard, per split, with indices counting up per split', () => {
    const p = new ShardPacker('ds', S);
    const out: ShardRecord[] = [];
    for (let n = 0; n < 700; n++) {
      const split = n % 3 === 0 ? 'val' : 'train';
      const s = p.add(split, `k${n}`, rgbOf(n), [`caption ${n}`, `alt ${n}`], n % 10);
      if (s) out.push(s);
    }
    // 700 pairs: val gets n%3==0 → 234, train 466.
    expect(out.map((s) => [s.split, s.index, s.count])).toEqual([['train', 0, 256]]);
    out.push(...p.flush());
    expect(out.map((s) => [s.split, s.index, s.count])).toEqual([
      ['train', 0, 256],
      ['train', 1, 210],
      ['val', 0, 234],
    ]);
    expect(p.splits()).toEqual({ train: { pairs: 466, shards: 2 }, val: { pairs: 234, shards: 1 } });
    expect(p.pairs).toBe(700);
    expect(p.flush()).toEqual([]);

    for (const s of out) {
      expect(s.key).toBe(shardKey('ds', s.split, s.index));
      expect(s.datasetId).toBe('ds');
      expect(s.images.length).toBe(s.count * PX);
      expect(s.captions.length).toBe(s.count);
      expect(s.keys.length).toBe(s.count);
      expect(s.labels).toBeInstanceOf(Int32Array);
      expect(s.labels.length).toBe(s.count);
      for (let i = 0; i < s.count; i++) {
        const n = Number(s.keys[i].slice(1));
        expect(n % 3 === 0 ? 'val' : 'train').toBe(s.split);
        expect(s.images[i * PX]).toBe(n & 255);
        expect(s.images[(i + 1) * PX - 1]).toBe(n & 255);
        expect(s.captions[i]).toEqual([`caption ${n}`, `alt ${n}`]);
        expect(s.labels[i]).toBe(n % 10);
      }
    }
    // Order within a split is insertion order.
    const trainKeys = out.filter((s) => s.split === 'train').flatMap((s) => s.keys);
    expect(trainKeys).toEqual(Array.from({ length: 700 }, (_, n) => n).filter((n) => n % 3 !== 0).map((n) => `k${n}`));
    // Every shard of a split is full except the last: what the reader and browse assume.
    expect(shardCounts(p.splits().train, SHARD_SIZE)).toEqual([256, 210]);
    expect(p.bytes).toBe(out.reduce((a, s) => a + shardBytes(s), 0));
  });

  it('emits exactly full shards when the count is a multiple of the shard size', () => {
    const p = new ShardPacker('ds', S, 8);
    const shards: ShardRecord[] = [];
    for (let n = 0; n < 16; n++) {
      const s = p.add('train', `k${n}`, rgbOf(n), ['c']);
      if (s) shards.push(s);
    }
    expect(shards.map((s) => s.count)).toEqual([8, 8]);
    expect(p.flush()).toEqual([]);
    expect(p.splits().train).toEqual({ pairs: 16, shards: 2 });
  });

  it('defaults labels to -1 and rejects malformed pairs', () => {
    const p = new ShardPacker('ds', S, 2);
    p.add('val', 'a', rgbOf(1), ['x']);
    const [s] = p.flush();
    expect(Array.from(s.labels)).toEqual([-1]);
    expect(() => p.add('val', 'b', new Uint8Array(5), ['x'])).toThrow(/expected 48 RGB bytes/);
    expect(() => p.add('val', 'b', rgbOf(1), [])).toThrow(/no caption/);
  });
});

describe('size accounting', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('×')).toBe(2);
    expect(utf8Length('–')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    for (const s of ['a red triangle', 'naïve café – 😀 ok', '中文字幕']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('shardBytes = images + labels + text (stored twice: shard and text mirror)', () => {
    const shard = { images: new Uint8Array(1000), labels: new Int32Array(10), keys: ['k1', 'k2'], captions: [['ab'], ['é', 'cd']] };
    expect(shardBytes(shard)).toBe(1000 + 40 + 2 * (2 + 2 + 2 + 2 + 2));
  });

  it('shard counts per split', () => {
    expect(shardsFor(0, 256)).toBe(0);
    expect(shardsFor(256, 256)).toBe(1);
    expect(shardsFor(257, 256)).toBe(2);
    const info = { pairs: 600, shards: 3 };
    expect(shardCounts(info, 256)).toEqual([256, 256, 88]);
    expect(shardCount(info, 256, 2)).toBe(88);
    expect(() => shardCount(info, 256, 3)).toThrow(RangeError);
  });

  it('warns about lopsided splits', () => {
    expect(splitWarnings(100, 10)).toEqual([]);
    expect(splitWarnings(100, 1)).toHaveLength(1);
    expect(splitWarnings(100, 1)[0]).toMatch(/only 1 validation pair:/);
    expect(splitWarnings(1, 0)).toHaveLength(2);
    expect(splitWarnings(0, 5)[0]).toMatch(/only 0 training pairs/);
  });
});
