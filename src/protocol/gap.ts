// What the modality-gap lab receives (from the trainer during a run, from the inference worker for a
// stored model): a fixed probe set of validation pairs, described once, and snapshots of its
// embeddings at recorded steps. Bounded typed arrays only (256 pairs × D floats per modality).
import type { GapMetrics } from '../eval/gapMetrics';

/** The probe pairs: fixed for a run, so snapshots of different steps show the same points. */
export interface GapProbeSet {
  /** Identifies the probe (dataset id and size): snapshots of the same key are comparable. */
  key: string;
  datasetName: string;
  n: number;
  imageSize: number;
  /** Caption of pair i (caption 0 of its image). */
  captions: string[];
  /** n × imageSize² × 3 RGB bytes (hover thumbnails). */
  thumbnails: Uint8Array;
  /** Class of pair i, −1 without one. */
  labels: Int32Array;
  classNames: string[];
  /** The dataset's prompt templates (the zero-shot class vectors' ensemble). */
  templates: string[];
}

/** The headline metrics (methods.md §6), as `npm run train -- --json` writes them per evaluation. */
export type GapSummary = Pick<GapMetrics, 'centroidDistance' | 'relativeGap' | 'separability' | 'coneImage' | 'coneText' | 'alignment' | 'uniformity'>;

export const GAP_SUMMARY_KEYS: readonly (keyof GapSummary)[] = ['centroidDistance', 'relativeGap', 'separability', 'coneImage', 'coneText', 'alignment', 'uniformity'];

/** Every metric of a snapshot (perDimension as float32 for transfer). */
export type GapSnapshotMetrics = Omit<GapMetrics, 'perDimension'> & { perDimension: Float32Array };

export interface GapSnapshot {
  step: number;
  n: number;
  d: number;
  /** n × d unit image embeddings u_i (row-major). */
  u: Float32Array;
  /** n × d unit text embeddings v_i. */
  v: Float32Array;
  /** C × d unit zero-shot class vectors w_c (template ensemble); empty without classes. */
  classVectors: Float32Array;
  /** exp(t), the logit scale at this step. */
  logitScale: number;
  metrics: GapSnapshotMetrics;
}

export function gapSummaryOf(m: GapSummary): GapSummary {
  return Object.fromEntries(GAP_SUMMARY_KEYS.map((k) => [k, m[k]])) as unknown as GapSummary;
}

export function snapshotTransferables(s: GapSnapshot): ArrayBuffer[] {
  return [s.u.buffer, s.v.buffer, s.classVectors.buffer, s.metrics.perDimension.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}
