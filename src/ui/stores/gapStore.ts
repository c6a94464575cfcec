// The gap lab's recordings: the live run's (from trainer reports, always kept, whatever is on
// screen) and a stored model's (one snapshot, from the inference worker). A recording is a probe set
// and its snapshots. At most MAX_SNAPSHOTS are kept per recording: beyond, every other one goes
// (the first and the last stay), so a long run keeps an even timeline in bounded memory
// (120 × 256 pairs × 2 × D floats: 16 MB at D = 64).
import { create } from 'zustand';
import type { GapProbeSet, GapSnapshot } from '../../protocol/gap';

export const MAX_SNAPSHOTS = 120;

export interface GapRecording {
  /** The run or model the snapshots belong to. */
  ownerId: string;
  /** Shown in the lab's header. */
  ownerName: string;
  probe: GapProbeSet | null;
  /** Ascending by step. */
  snapshots: GapSnapshot[];
}

/** What the lab shows: the run in the trainer, or a stored model. */
export type GapSource = 'live' | 'stored';

export interface GapState {
  source: GapSource;
  live: GapRecording | null;
  stored: GapRecording | null;
  /** Bumped on every change (views subscribe to it). */
  version: number;
  /** Index into the shown recording's snapshots; null follows the newest. */
  selected: number | null;
  /** Adds a live recording; another run starts an empty timeline. */
  addLive: (runId: string, runName: string, probe: GapProbeSet | undefined, s: GapSnapshot) => void;
  setStored: (r: GapRecording | null) => void;
  setSource: (source: GapSource) => void;
  select: (index: number | null) => void;
}

/** Keeps index 0, the last, and every other one between. */
export function thinSnapshots<T>(xs: T[]): T[] {
  if (xs.length <= 2) return xs;
  return xs.filter((_, i) => i % 2 === 0 || i === xs.length - 1);
}

/** The recording on screen. */
export function shownRecording(s: Pick<GapState, 'source' | 'live' | 'stored'>): GapRecording | null {
  return s.source === 'live' ? s.live : s.stored;
}

export const useGap = create<GapState>((set, get) => ({
  source: 'live',
  live: null,
  stored: null,
  version: 0,
  selected: null,
  addLive: (runId, runName, probe, s) => {
    const st = get();
    const prev = st.live?.ownerId === runId ? st.live : null;
    let snapshots = [...(prev?.snapshots.filter((x) => x.step !== s.step) ?? []), s].sort((a, b) => a.step - b.step);
    if (snapshots.length > MAX_SNAPSHOTS) snapshots = thinSnapshots(snapshots);
    const live: GapRecording = { ownerId: runId, ownerName: runName, probe: probe ?? prev?.probe ?? null, snapshots };
    const shown = st.source === 'live';
    const selected = !shown ? st.selected : !prev ? null : st.selected === null ? null : Math.min(st.selected, snapshots.length - 1);
    set({ live, version: st.version + 1, selected });
  },
  setStored: (stored) => set((st) => ({ stored, version: st.version + 1, selected: st.source === 'stored' ? null : st.selected })),
  setSource: (source) => set((st) => ({ source, selected: null, version: st.version + 1 })),
  select: (index) => set((st) => ({ selected: index, version: st.version + 1 })),
}));
