// Benchmark and diagnostics commands of the trainer worker (npm run bench, the backend-parity tests):
// each carries a requestId that its reports echo, so two benchmarks in flight cannot be confused.
import type { BackendName, PresetName } from '../config/types';
import type { Request } from './requests';

export type BenchCommand =
  /** Time `batches` batches of the configured run's data pipeline alone (no training). */
  | ({ type: 'benchmarkReader'; batches: number } & Request)
  /**
   * Time the contrastive loss forward + backward (value and gradients w.r.t. u, v, t and SigLIP's b),
   * fused kernels vs op-composed, at each point. Switches to `backend` first when it is not active
   * (which disposes the model, like setBackend). Answered by LossBenchReports (one after each point).
   */
  | ({ type: 'benchmarkLoss' } & LossBenchRequest & Request)
  /**
   * Memory profile (tf.profile) of one training step of the configured model on the active backend.
   * Trains one step (the model changes); needs a configured run that is not training. Answered by a StepProfileReport.
   */
  | ({ type: 'profileStep' } & Request)
  /** Switch the fused contrastive-loss kernels on or off (benchmarks, A/B checks). Answered by a FusedLossReport. */
  | ({ type: 'setFusedLoss'; enabled: boolean } & Request)
  /** Checkpoint timings per preset (npm run bench). Answered by a CheckpointBenchReport. */
  | ({ type: 'benchmarkCheckpoint'; repeats: number } & Request);

export interface LossBenchRequest {
  backend: BackendName;
  objective: 'clip' | 'siglip';
  points: { n: number; d: number }[];
  /** Timed runs per variant (interleaved fused / composed); fewer at slow points, see slowRunMs. */
  repeats: number;
  /** Untimed runs per variant before timing (the first one also checks fused against composed). */
  warmup: number;
  /** A point whose first run takes longer than this gets 1 warm-up and `minRepeats` repeats. Default 5000. */
  slowRunMs?: number;
  /** Default 2. */
  minRepeats?: number;
  /** Skip a variant at a point when one run is predicted (from a smaller N at the same D, ∝ N²) to take longer, or its first run took over twice this. Default 60000. */
  maxRunMs?: number;
  /** Skip the remaining points once the whole command has run this long. Default: none. */
  budgetMs?: number;
}

export interface ReaderBenchReport extends Request {
  type: 'readerBench';
  batches: number;
  batchSize: number;
  msPerBatch: number;
  batchesPerSec: number;
  pairsPerSec: number;
}

/** Times of one variant at one point, in milliseconds. */
export interface TimingStats {
  samples: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Quartiles (linear interpolation between the sorted samples). */
  q1Ms: number;
  q3Ms: number;
}

export interface LossBenchRow {
  n: number;
  d: number;
  /** Op-composed forward + backward (the path on every backend but webgpu). Null when skipped. */
  composed: TimingStats | null;
  /** Fused kernels (webgpu only). Null off webgpu, when skipped, or when they failed (see fusedNote). */
  fused: TimingStats | null;
  /** Median fused / median composed, from the same run; null without both. */
  ratio: number | null;
  warmup: number;
  repeats: number;
  /** Loss values of the first (untimed) run of each variant. */
  lossComposed: number | null;
  lossFused: number | null;
  /** Max over u, v, t (and b) of max|grad_fused − grad_composed| / max|grad_composed|, first run; null without both. */
  maxGradRelDiff: number | null;
  /** tf.memory().numTensors before creating the inputs and after disposing everything. */
  numTensorsBefore: number;
  numTensorsAfter: number;
  /** Why the point (or one variant) was skipped, or measured with fewer repeats. */
  note: string;
  /** Why there is no fused column (not webgpu, or the kernels failed). */
  fusedNote?: string;
  /** Wall time of the whole point, warm-up included. */
  totalMs: number;
}

export interface LossBenchReport extends Request {
  type: 'lossBench';
  backend: BackendName;
  objective: 'clip' | 'siglip';
  /** Rows measured so far (one report per finished point; the last has done = true). */
  rows: LossBenchRow[];
  done: boolean;
  /** Set when the benchmark failed as a whole (e.g. the backend did not start). */
  error?: string;
}

export interface StepProfileReport extends Request {
  type: 'stepProfile';
  backend: BackendName;
  preset: PresetName;
  batchSize: number;
  /** Whether the fused loss kernels were active for this step. */
  fusedLoss: boolean;
  /** tf.memory().numBytes / numTensors before the step (parameters, optimizer state, …). */
  baselineBytes: number;
  baselineTensors: number;
  /** tf.profile: the highest tf.memory().numBytes seen after any kernel of the step (absolute). */
  peakBytes: number;
  /** peakBytes − baselineBytes: what the step itself needs on top of the model. */
  transientPeakBytes: number;
  /** tf.profile's newBytes / newTensors (every result of the step is disposed inside: 0 = no leak). */
  newBytes: number;
  newTensors: number;
  kernels: number;
  /** The kernels that added the most bytes (name, bytes, output shape). */
  topKernels: { name: string; bytesAdded: number; outputShape: number[] }[];
  /** Wall time of the profiled step (profiling slows it: not a speed figure). */
  wallMs: number;
  error?: string;
}

export interface FusedLossReport extends Request {
  type: 'fusedLoss';
  enabled: boolean;
  /** Whether clipLoss/siglipLoss use the fused kernels now (enabled and on webgpu). */
  active: boolean;
}

export interface CheckpointBenchRow {
  preset: PresetName;
  paramCount: number;
  bytes: number;
  writeMs: number;
  readMs: number;
  repeats: number;
}

export interface CheckpointBenchReport extends Request {
  type: 'checkpointBench';
  row: CheckpointBenchRow | null;
  error?: string;
}

export type BenchReport = ReaderBenchReport | LossBenchReport | StepProfileReport | FusedLossReport | CheckpointBenchReport;
