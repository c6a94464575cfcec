// Request ids: each answer settles only its own request, whatever the order answers arrive in.
import { describe, expect, it } from 'vitest';
import { PendingRequests, newRequestId } from '../src/protocol/requests';

type Answer = { type: string; requestId?: string; done?: boolean; value?: number };

describe('PendingRequests', () => {
  it('two requests in flight get their own answers, in any order; stale and unsolicited answers are dropped', async () => {
    const p = new PendingRequests<Answer>();
    const a = p.track('a');
    const b = p.track('b');
    expect(p.settle({ type: 'samples', requestId: 'b', value: 2 })).toBe(true);
    expect(p.settle({ type: 'samples', requestId: 'zzz', value: 9 })).toBe(false);
    expect(p.settle({ type: 'status' })).toBe(false);
    expect(p.settle({ type: 'samples', requestId: 'a', value: 1 })).toBe(true);
    expect((await a).value).toBe(1);
    expect((await b).value).toBe(2);
    expect(p.settle({ type: 'samples', requestId: 'a', value: 3 })).toBe(false); // already answered
    expect(p.size).toBe(0);
  });

  it('streamed answers resolve on the final one; errors reject; failAll rejects what is open', async () => {
    const p = new PendingRequests<Answer>();
    const s = p.track('s', (r) => r.done === true);
    p.settle({ type: 'lossBench', requestId: 's', done: false, value: 1 });
    expect(p.has('s')).toBe(true);
    p.settle({ type: 'lossBench', requestId: 's', done: true, value: 2 });
    expect((await s).value).toBe(2);
    const e = p.track('e');
    p.fail('e', new Error('no run'));
    await expect(e).rejects.toThrow('no run');
    const x = p.track('x');
    const y = p.track('y');
    p.failAll(new Error('worker died'));
    await expect(x).rejects.toThrow('worker died');
    await expect(y).rejects.toThrow('worker died');
  });

  it('ids are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId('t')));
    expect(ids.size).toBe(1000);
  });
});
