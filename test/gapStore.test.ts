// The gap lab's store: live recordings per run (another run starts a fresh timeline, a step
// recorded again replaces its snapshot), thinning beyond MAX_SNAPSHOTS keeps the first and the
// last, and the stored model's recording is kept apart from the live one.
import { describe, expect, it } from 'vitest';
import type { GapProbeSet, GapSnapshot } from '../src/protocol/gap';
import { MAX_SNAPSHOTS, shownRecording, thinSnapshots, useGap } from '../src/ui/stores/gapStore';

const probe = { key: 'p', n: 4 } as GapProbeSet;
const snap = (step: number) => ({ step, n: 4, d: 2 }) as GapSnapshot;

describe('gap store', () => {
  it('thinSnapshots keeps index 0, the last and every other one', () => {
    expect(thinSnapshots([0, 1, 2, 3, 4, 5])).toEqual([0, 2, 4, 5]);
    expect(thinSnapshots([0, 1])).toEqual([0, 1]);
  });

  it('collects a run’s recordings in step order and starts afresh for another run', () => {
    const g = useGap.getState();
    g.addLive('run-a', 'A', probe, snap(0));
    g.addLive('run-a', 'A', undefined, snap(100));
    g.addLive('run-a', 'A', undefined, snap(50));
    g.addLive('run-a', 'A', undefined, snap(50));
    let live = useGap.getState().live!;
    expect(live.snapshots.map((s) => s.step)).toEqual([0, 50, 100]);
    expect(live.probe).toBe(probe); // sent with the first snapshot only, kept
    g.addLive('run-b', 'B', undefined, snap(0));
    live = useGap.getState().live!;
    expect(live.ownerId).toBe('run-b');
    expect(live.snapshots.map((s) => s.step)).toEqual([0]);
    expect(live.probe).toBeNull();
  });

  it('thins a long run to at most MAX_SNAPSHOTS, first and newest kept', () => {
    const g = useGap.getState();
    for (let k = 0; k <= MAX_SNAPSHOTS + 5; k++) g.addLive('run-c', 'C', k === 0 ? probe : undefined, snap(10 * k));
    const steps = useGap.getState().live!.snapshots.map((s) => s.step);
    expect(steps.length).toBeLessThanOrEqual(MAX_SNAPSHOTS);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(10 * (MAX_SNAPSHOTS + 5));
  });

  it('shows the stored model’s recording when chosen, the live one otherwise', () => {
    const g = useGap.getState();
    g.setStored({ ownerId: 'm@5', ownerName: 'M', probe, snapshots: [snap(5)] });
    expect(shownRecording(useGap.getState())?.ownerId).toBe('run-c');
    g.setSource('stored');
    expect(shownRecording(useGap.getState())?.ownerId).toBe('m@5');
    g.setSource('live');
  });
});
