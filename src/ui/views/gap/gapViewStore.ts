// How the Gap lab shows its recordings: the projection mode and basis, the 3-D rotation, pair lines,
// playback, and what the gap-lab worker computed for them (the projection of every step, a UMAP).
import { create } from 'zustand';
import type { Projection } from '../../../lab/gapProjection';

export type MapMode = 'pca2' | 'sphere3' | 'umap';
/** The step whose embeddings fix the axes: the newest recording, the first (step 0), or each its own. */
export type BasisChoice = 'newest' | 'first' | 'perStep';

export interface UmapResult {
  ownerId: string;
  step: number;
  points: Float32Array;
}

export interface GapViewState {
  mode: MapMode;
  basis: BasisChoice;
  showLines: boolean;
  yaw: number;
  pitch: number;
  playing: boolean;
  /** The worker's projection of every recorded step. */
  projection: Projection | null;
  umap: UmapResult | null;
  umapProgress: { done: number; total: number; requestId: string } | null;
  set: (patch: Partial<Omit<GapViewState, 'set'>>) => void;
}

export const useGapView = create<GapViewState>((set) => ({
  mode: 'pca2',
  basis: 'newest',
  showLines: true,
  yaw: 0.6,
  pitch: 0.35,
  playing: false,
  projection: null,
  umap: null,
  umapProgress: null,
  set: (patch) => set(patch),
}));

/** The page's colours for the modalities (images warm, captions cool) and the map's ink. */
export const MODALITY_COLOUR_VARS = { image: ['--accent-2', '#f0a35b'], text: ['--accent', '#5b8def'] } as const;
