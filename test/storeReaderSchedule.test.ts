import { describe, expect, it } from 'vitest';
import { ReaderSchedule, type ScheduleParams } from '../src/data/store/readerSchedule';

const params = (over: Partial<ScheduleParams> = {}): ScheduleParams => ({
  shardCounts: [256, 256, 256, 100],
  batchSize: 32,
  shuffleBuffer: 300,
  seed: 42,
  label: 'train',
  ...over,
});

const pickIds = (s: ReaderSchedule, batches: number) => {
  const out: string[] = [];
  for (let b = 0; b < batches; b++) for (const p of s.next().picks) out.push(`${p.shard}:${p.i}`);
  return out;
};

describe('ReaderSchedule', () => {
  it('is deterministic per seed and differs between seeds and splits', () => {
    expect(pickIds(new ReaderSchedule(params()), 50)).toEqual(pickIds(new ReaderSchedule(params()), 50));
    expect(pickIds(new ReaderSchedule(params({ seed: 43 })), 50)).not.toEqual(pickIds(new ReaderSchedule(params()), 50));
    expect(pickIds(new ReaderSchedule(params({ label: 'val' })), 50)).not.toEqual(pickIds(new ReaderSchedule(params()), 50));
  });

  it('delivers fixed-size batches of valid pairs with uniforms in [0, 1)', () => {
    const p = params();
    const s = new ReaderSchedule(p);
    for (let b = 0; b < 100; b++) {
      const { picks } = s.next();
      expect(picks).toHaveLength(p.batchSize);
      for (const q of picks) {
        expect(q.i).toBeGreaterThanOrEqual(0);
        expect(q.i).toBeLessThan(p.shardCounts[q.shard]);
        for (const u of [q.uCaption, q.uScale, q.uX, q.uY]) {
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThan(1);
        }
      }
    }
  });

  it('loads every shard once per epoch, in a seeded order per epoch', () => {
    const s = new ReaderSchedule(params());
    const loads: number[] = [];
    while (s.epoch < 3) loads.push(...s.next().loads);
    expect([...loads.slice(0, 4)].sort()).toEqual([0, 1, 2, 3]);
    expect([...loads.slice(4, 8)].sort()).toEqual([0, 1, 2, 3]);
    expect(loads.slice(0, 4)).toEqual(s.epochOrder(0));
    expect(loads.slice(4, 8)).toEqual(s.epochOrder(1));
  });

  it('samples every pair about equally often (a shuffle without replacement)', () => {
    const p = params({ shardCounts: [50, 50, 20], batchSize: 10, shuffleBuffer: 30 });
    const s = new ReaderSchedule(p);
    const count = new Map<string, number>();
    for (const id of pickIds(s, 120)) count.set(id, (count.get(id) ?? 0) + 1); // 1200 picks over 120 pairs
    expect(count.size).toBe(120);
    for (const c of count.values()) {
      expect(c).toBeGreaterThanOrEqual(8);
      expect(c).toBeLessThanOrEqual(11);
    }
  });

  it('keeps reference counts in step with the buffer', () => {
    const s = new ReaderSchedule(params());
    for (let b = 0; b < 40; b++) {
      s.next();
      const total = s.bufferedShards().reduce((a, sh) => a + s.refs(sh), 0);
      expect(total).toBe(s.buffered);
    }
  });

  it('peekShard names the next shard a load will read', () => {
    const s = new ReaderSchedule(params());
    for (let b = 0; b < 60; b++) {
      const peek = s.peekShard();
      const { loads } = s.next();
      if (loads.length) expect(loads[0]).toBe(peek);
    }
  });

  it('resumes exactly from a saved state', () => {
    const p = params();
    const a = new ReaderSchedule(p);
    pickIds(a, 37);
    const state = a.state();
    expect(state.batches).toBe(37);
    const b = ReaderSchedule.at(p, state);
    expect(b.state()).toEqual(state);
    expect(b.bufferedShards().sort()).toEqual(a.bufferedShards().sort());
    for (let t = 0; t < 80; t++) expect(b.next()).toEqual(a.next());
  });

  it('resume at batch 0 is a fresh schedule', () => {
    const b = ReaderSchedule.at(params(), { epoch: 0, pos: 0, batches: 0 });
    expect(pickIds(b, 5)).toEqual(pickIds(new ReaderSchedule(params()), 5));
  });

  it('refuses a state that does not belong to these data and options', () => {
    const a = new ReaderSchedule(params());
    pickIds(a, 37);
    const state = a.state();
    expect(() => ReaderSchedule.at(params({ shardCounts: [256, 256, 256, 256, 256, 256] }), state)).toThrow(/does not match/);
    expect(() => ReaderSchedule.at(params(), { ...state, pos: state.pos + 1 })).toThrow(/does not match/);
  });

  it('refuses an empty split', () => {
    expect(() => new ReaderSchedule(params({ shardCounts: [] }))).toThrow(/no data/);
  });

  it('works when the split is smaller than the buffer target (wraps epochs)', () => {
    const s = new ReaderSchedule(params({ shardCounts: [5], batchSize: 4, shuffleBuffer: 4 }));
    for (let b = 0; b < 20; b++) expect(s.next().picks).toHaveLength(4);
    expect(s.epoch).toBeGreaterThan(5);
  });
});
