// The one typed protocol between the UI (main thread) and the trainer worker.
// Both sides import this file; nothing else crosses the boundary. The UI sends
// Commands; the worker answers with Reports. Per-step metrics travel in batches
// (typed arrays, transferred), never one message per scalar.

import type { ModelConfig, PresetName } from '../model/config';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
export type BackendChoice = BackendName | 'auto';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  description: string;
  /** True for software adapters (SwiftShader): WebGPU is then slower than wasm, never picked by default. */
  isFallbackAdapter: boolean;
}

export interface BackendCandidate {
  name: BackendName;
  available: boolean;
  /** Why a backend is unavailable or was skipped in the auto choice. */
  note?: string;
  /** Micro-benchmark: median milliseconds of the probe workload (lower is faster). */
  benchMs?: number;
}

export interface BackendInfo {
  /** The backend in use now. */
  active: BackendName;
  /** What the user asked for ('auto' lets the worker choose). */
  requested: BackendChoice;
  /** How the choice was made, in words: "benchmark (cached)", "user override", … */
  reason: string;
  adapter: AdapterDescription | null;
  candidates: BackendCandidate[];
  /** wasm threads in use (1 without cross-origin isolation or on small machines). */
  wasmThreads?: number;
  /** How the contrastive loss runs on this backend: the fused WebGPU kernels (src/kernels) or tfjs ops. */
  lossKernel: 'fused' | 'op-composed';
}

/** Settings of the built-in Shapes world (see src/data/shapes). */
export interface ShapesDatasetSpec {
  kind: 'shapes';
  seed: number;
  imageSize: number;
  trainPairs: number;
  valPairs: number;
  /** Held-out colour×shape combinations, e.g. ["red triangle"]; never seen in training. */
  heldOut: string[];
  twoObjectProb: number;
  /** Target tokenizer vocabulary (the trained BPE may stop earlier). */
  vocabSize: number;
}

/** A dataset already in the shard store (imported, or the built-in real image set). */
export interface StoredDatasetSpec {
  kind: 'stored';
  id: string;
}

export type DatasetSpec = ShapesDatasetSpec | StoredDatasetSpec;

export interface OptimConfig {
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global-norm gradient clip; 0 disables. */
  gradClip: number;
}

/** Training objective and its hyperparameters (methods.md §1–§4). */
export type ObjectiveConfig =
  | { kind: 'clip' }
  /** CLIP + λ·(1/N)Σ||u_i − v_i||² (Chen, Deng, Li & Gu 2024; methods.md §3). */
  | { kind: 'pospair'; lambda: number }
  /** Pairwise sigmoid loss with learnable scale (init t = ln 10) and bias (init −10) (methods.md §2). */
  | { kind: 'siglip'; initLogitScale: number; initBias: number }
  /** CLIP + λ1·in-modal + λ2·cross-modal cycle consistency (methods.md §4). */
  | { kind: 'cyclip'; lambdaInModal: number; lambdaCrossModal: number }
  /**
   * ProtoCLIP (methods.md §5): episodic; each episode samples `episodeSize` pairs, clusters the heads'
   * features into `clusters` prototypes (0 = E/10) and trains one pass with L_CLIP + prototype losses.
   * Episode 1 is an L_CLIP-only warm-up.
   */
  | {
      kind: 'protoclip';
      episodeSize: number;
      clusters: number;
      kmeansIterations: number;
      kmeansRestarts: number;
      headHidden: number;
      headOut: number;
      pbt: boolean;
      teacher: boolean;
    };

export type ObjectiveKind = ObjectiveConfig['kind'];

export interface TrainConfig {
  dataset: DatasetSpec;
  objective: ObjectiveConfig;
  preset: PresetName;
  model: ModelConfig;
  optim: OptimConfig;
  batchSize: number;
  steps: number;
  seed: number;
  /** Steps between metric reports (the worker reads losses back in one go). */
  reportEvery: number;
  /** Steps between evaluations (zero-shot, gap, similarity). 0: only at the end. */
  evalEvery: number;
  /** Auto-save: a checkpoint every N steps or M seconds, whichever comes first (0 turns that trigger off), and on Pause and Stop. */
  autosave?: AutosaveConfig;
}

export interface AutosaveConfig {
  everySteps: number;
  everySeconds: number;
}

export const DEFAULT_AUTOSAVE: AutosaveConfig = { everySteps: 200, everySeconds: 120 };

/** A saved model or run in the browser's storage (the Models library). */
export interface ModelSummary {
  id: string;
  name: string;
  /** 'run': trained here (checkpoints carry optimizer state); 'imported': from a .safetensors file. */
  kind: 'run' | 'imported';
  createdAt: string;
  updatedAt: string;
  config: TrainConfig;
  datasetId: string;
  datasetName: string;
  /** Step of the stored checkpoint. */
  step: number;
  totalSteps: number;
  /** True once the run reached its last step (nothing to resume). */
  finished: boolean;
  /** The stored checkpoint carries optimizer state and the run's position: training can continue exactly. */
  resumable: boolean;
  /** Bytes of the stored checkpoint. */
  bytes: number;
  paramCount: number;
  lastLoss: number | null;
  lastEval: { step: number; zeroShotAll: number; gap: number; recallI2T1: number } | null;
}

export type RunState = 'idle' | 'preparing' | 'ready' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

// ---------------------------------------------------------------- commands (UI → worker)
export type Command =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'setBackend'; backend: BackendChoice }
  | { type: 'configure'; config: TrainConfig }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'stop' }
  | { type: 'status' }
  | { type: 'evaluate' }
  /** Time `batches` batches of the configured run's data pipeline alone (no training). */
  | { type: 'benchmarkReader'; batches: number }
  /**
   * Time the contrastive loss forward + backward (value and gradients w.r.t. u, v, t and SigLIP's b),
   * fused kernels vs op-composed, at each point. Switches to `backend` first when it is not active
   * (which disposes the model, like setBackend). Answered by LossBenchReports (one after each point).
   */
  | ({ type: 'benchmarkLoss' } & LossBenchRequest)
  /**
   * Memory profile (tf.profile) of one training step of the configured model on the active backend.
   * Trains one step (the model changes); needs a configured run that is not training. Answered by a StepProfileReport.
   */
  | { type: 'profileStep'; id: string }
  /** Switch the fused contrastive-loss kernels on or off (benchmarks, A/B checks). Answered by a FusedLossReport. */
  | { type: 'setFusedLoss'; enabled: boolean }
  /** Writes a checkpoint of the current run now (also automatic, see AutosaveConfig). Answered by a CheckpointReport. */
  | { type: 'saveCheckpoint' }
  /** The Models library. Answered by a ModelsReport. */
  | { type: 'listModels' }
  /** Loads a stored run at its checkpoint, paused, ready to continue. */
  | { type: 'resumeModel'; id: string }
  | { type: 'renameModel'; id: string; name: string }
  | { type: 'deleteModel'; id: string }
  /** Answered by a ModelFileReport (a .safetensors Blob). */
  | { type: 'exportModel'; id: string }
  /** Validates a .safetensors file and stores it in the library; answered by a ModelImportReport. */
  | { type: 'importModel'; file: File }
  /** Checkpoint timings per preset (npm run bench). Answered by a CheckpointBenchReport. */
  | { type: 'benchmarkCheckpoint'; id: string; repeats: number };

export interface LossBenchRequest {
  /** Echoed in the reports, to tell runs apart. */
  id: string;
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

// ---------------------------------------------------------------- reports (worker → UI)
export interface StatusReport {
  type: 'status';
  state: RunState;
  step: number;
  totalSteps: number;
  numTensors: number;
  numBytes: number;
  /** Mean wall time per training step over the last report window, ms. */
  stepMs: number;
  /** Share of step time spent waiting for data, 0..1. */
  dataWaitShare: number;
  datasetId: string | null;
  /** Model size in trainable scalars. */
  paramCount: number;
  vocabSize: number;
}

export interface ProgressReport {
  type: 'progress';
  /** 'episode': ProtoCLIP's episode preparation; message names the sub-phase ('sampling', 'feature pass', 'clustering', 'training'). */
  phase: 'backend' | 'dataset' | 'model' | 'training' | 'eval' | 'episode';
  done: number;
  total: number;
  message: string;
}

/** Metrics of `count` consecutive steps; arrays have length `count`. */
export interface MetricsReport {
  type: 'metrics';
  count: number;
  step: Float64Array;
  loss: Float32Array;
  logitScale: Float32Array;
  lr: Float32Array;
  gradNorm: Float32Array;
  /** Pairs per second over the window (one value per window, repeated per step). */
  pairsPerSec: Float32Array;
  stepMs: Float32Array;
  /** mean_i S_ii of each step's batch (unscaled cosines). */
  meanPositive: Float32Array;
  /** mean_i (S_ii − max_{j≠i} S_ij) of each step's batch. */
  meanMargin: Float32Array;
  /** The objective's named loss terms and extra scalars (e.g. clip, reg, bias), per step. */
  components: Record<string, Float32Array>;
}

export interface EvalReport {
  type: 'eval';
  step: number;
  /** Zero-shot top-1 (template ensemble) on validation images of combinations seen in training. */
  zeroShotSeen: number;
  /** Zero-shot top-1 on validation images of held-out combinations (true compositional zero-shot). */
  zeroShotHeldOut: number;
  /** Zero-shot top-1 over all validation images. */
  zeroShotAll: number;
  numClasses: number;
  /** Modality gap ||mean u − mean v|| on the fixed probe set (methods.md §6). */
  gap: number;
  /** Mean positive cosine mean_i S_ii on the probe set. */
  meanPositive: number;
  /** Retrieval recall@k on (up to the first 1024) validation pairs, caption 0 per image; NaN without validation data. */
  recallI2T1: number;
  recallT2I1: number;
  recallI2T5: number;
  recallT2I5: number;
  /** Similarity matrix S = U Vᵀ of a batch, row-major n×n (cosines, before the logit scale). */
  similarity: Float32Array;
  similarityN: number;
  /** Captions of the similarity batch, for axis labels. */
  similarityCaptions: string[];
  evalMs: number;
}

export interface BackendReport {
  type: 'backend';
  info: BackendInfo;
}

export interface DatasetReport {
  type: 'dataset';
  id: string;
  name: string;
  trainPairs: number;
  valPairs: number;
  vocabSize: number;
  classes: { name: string; heldOut: boolean }[];
  /** A few training captions, to show what the data looks like. */
  sampleCaptions: string[];
  fromCache: boolean;
}

export interface ErrorReport {
  type: 'error';
  message: string;
  /** Where it happened: the command or phase. */
  context: string;
}

export interface ReaderBenchReport {
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

export interface LossBenchReport {
  type: 'lossBench';
  id: string;
  backend: BackendName;
  objective: 'clip' | 'siglip';
  /** Rows measured so far (one report per finished point; the last has done = true). */
  rows: LossBenchRow[];
  done: boolean;
  /** Set when the benchmark failed as a whole (e.g. the backend did not start). */
  error?: string;
}

export interface StepProfileReport {
  type: 'stepProfile';
  id: string;
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

export interface FusedLossReport {
  type: 'fusedLoss';
  enabled: boolean;
  /** Whether clipLoss/siglipLoss use the fused kernels now (enabled and on webgpu). */
  active: boolean;
}

export interface CheckpointReport {
  type: 'checkpoint';
  runId: string;
  step: number;
  ok: boolean;
  bytes: number;
  ms: number;
  /** 'auto' (every N steps / M seconds), 'pause', 'stop', 'finish' or 'manual'. */
  reason: string;
  /** Why the write failed, and that the previous checkpoint is intact. */
  error?: string;
}

export interface ModelsReport {
  type: 'models';
  list: ModelSummary[];
  /** The newest unfinished, resumable run that is not loaded in the trainer (offered as "Resume"). */
  resumable: ModelSummary | null;
  storage: StorageInfo | null;
}

export interface ModelFileReport {
  type: 'modelFile';
  id: string;
  fileName: string;
  blob: Blob;
}

export interface ModelImportReport {
  type: 'modelImport';
  fileName: string;
  ok: boolean;
  /** The stored model (ok) or why the file was refused (nothing stored). */
  model?: ModelSummary;
  error?: string;
}

/** The run the trainer holds now (after configure or resume). */
export interface RunReport {
  type: 'run';
  id: string;
  name: string;
  step: number;
  totalSteps: number;
  /** Set when the run was loaded from a checkpoint. */
  resumedFrom: number | null;
  /** The resolved config the run trains with. */
  config: TrainConfig;
}

export interface CheckpointBenchRow {
  preset: PresetName;
  paramCount: number;
  bytes: number;
  writeMs: number;
  readMs: number;
  repeats: number;
}

export interface CheckpointBenchReport {
  type: 'checkpointBench';
  id: string;
  row: CheckpointBenchRow | null;
  error?: string;
}

export type Report = CheckpointReport | ModelsReport | ModelFileReport | ModelImportReport | RunReport | CheckpointBenchReport | LossBenchReport | StepProfileReport | FusedLossReport | ReaderBenchReport | StatusReport | ProgressReport | MetricsReport | EvalReport | BackendReport | DatasetReport | ErrorReport;

/** Typed-array fields of a report, to pass as transferables. */
export function transferablesOf(r: Report): Transferable[] {
  if (r.type === 'metrics') {
    const arrays: ArrayBufferView[] = [r.step, r.loss, r.logitScale, r.lr, r.gradNorm, r.pairsPerSec, r.stepMs, r.meanPositive, r.meanMargin];
    if (r.components) arrays.push(...Object.values(r.components));
    // A buffer may be listed once only (postMessage throws on duplicates); shared memory is never transferred.
    const out = new Set<ArrayBuffer>();
    for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
    return [...out];
  }
  if (r.type === 'eval') return [r.similarity.buffer];
  return [];
}

// ================================================================ data worker
// Imports, browsing, export and deletion run in their own worker (src/worker/data.worker.ts)
// so that a long import never stalls training, and the UI never parses files.

export type ImportFormat = 'webdataset' | 'coco' | 'caption-file';

export interface ImportRequest {
  jobId: string;
  format: ImportFormat;
  /** Dataset name shown in the UI. */
  name: string;
  /** webdataset: .tar / .tar.gz shards. coco: one captions_*.json plus the image files.
   *  caption-file: one .csv / .tsv / .jsonl mapping file plus the image files. */
  files: File[];
  /** Square side images are resized (centre crop) to. */
  imageSize: number;
  /** Share of pairs put in the validation split (by a hash of the key: deterministic). */
  valFraction: number;
  /** Target vocabulary of the BPE tokenizer trained on the imported captions. */
  vocabSize: number;
}

export interface DatasetSummary {
  id: string;
  name: string;
  source: string;
  createdAt: string;
  imageSize: number;
  trainPairs: number;
  valPairs: number;
  /** Approximate stored size in bytes (images + captions). */
  bytes: number;
  hasClasses: boolean;
}

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

export interface SkipReport {
  file: string;
  reason: string;
}

export interface ImportSummary {
  jobId: string;
  datasetId: string | null;
  name: string;
  imported: number;
  /** Exact number of skips (the list below is capped at 1000 entries plus a "… more" line). */
  skippedCount: number;
  skipped: SkipReport[];
  cancelled: boolean;
  /** Set when the import failed as a whole; nothing was stored. */
  error?: string;
  /** Stored, but worth knowing (e.g. "only 1 validation pair"). Absent when there is nothing to say. */
  warnings?: string[];
  seconds: number;
}

export interface SampleItem {
  key: string;
  split: 'train' | 'val';
  /** Raw RGB bytes, size×size×3. */
  image: Uint8Array;
  size: number;
  captions: string[];
}

export type DataCommand =
  | { type: 'listDatasets' }
  | { type: 'import'; request: ImportRequest }
  | { type: 'cancelImport'; jobId: string }
  | { type: 'deleteDataset'; id: string }
  | { type: 'exportDataset'; id: string }
  | { type: 'browse'; id: string; offset: number; limit: number; query: string }
  | { type: 'ensureBuiltin'; name: 'fashion-mnist'; imageSize: number; vocabSize: number };

export type DataReport =
  | { type: 'datasets'; list: DatasetSummary[]; storage: StorageInfo }
  | { type: 'importProgress'; jobId: string; pairs: number; skipped: number; bytesRead: number; bytesTotal: number; message: string }
  | { type: 'importDone'; summary: ImportSummary }
  | { type: 'samples'; id: string; items: SampleItem[]; total: number; offset: number; query: string }
  | { type: 'exported'; id: string; fileName: string; blob: Blob }
  | { type: 'builtinReady'; name: 'fashion-mnist'; id: string }
  | { type: 'dataError'; message: string; context: string };
