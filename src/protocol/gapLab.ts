// The gap-lab worker's protocol (src/worker/gapLab.worker.ts): the UI hands it the probe embeddings
// of each recorded step once (copies of bounded typed arrays), then asks for projections (every
// step on one basis), a UMAP of one step (seeded, with progress, cancellable), cosine histograms
// and the shift-along-the-gap sweep of one step. No tensors: pure float64 maths off the main thread.
import type { CosineHistograms } from '../lab/cosineHistograms';
import type { Projection, ProjectionMode } from '../lab/gapProjection';
import type { ShiftSweep } from '../lab/shiftLesson';
import type { Request } from './requests';

export interface StepRows {
  step: number;
  u: Float32Array;
  v: Float32Array;
}

export type GapLabCommand =
  /** Rows of recorded steps; another ownerId (run or model) replaces everything kept. */
  | { type: 'put'; ownerId: string; n: number; d: number; rows: StepRows[] }
  | ({ type: 'project'; ownerId: string; mode: ProjectionMode; basisStep: number | 'perStep' } & Request)
  | ({ type: 'umap'; ownerId: string; step: number; seed: number; nNeighbors: number } & Request)
  | ({ type: 'histograms'; ownerId: string; step: number } & Request)
  | ({ type: 'shift'; ownerId: string; step: number; scales: number[]; classVectors: Float32Array; labels: Int32Array } & Request)
  | ({ type: 'cancel' } & Request);

export type GapLabReport =
  | ({ type: 'projection'; projection: Projection } & Request)
  | ({ type: 'umap'; step: number; points: Float32Array } & Request)
  | ({ type: 'umapProgress'; done: number; total: number } & Request)
  | ({ type: 'histograms'; step: number; histograms: CosineHistograms } & Request)
  | ({ type: 'shift'; step: number; sweep: ShiftSweep } & Request)
  | ({ type: 'error'; message: string; cancelled?: boolean } & Request);
