// The trainer worker's protocol (src/worker/trainer.worker.ts): the UI sends Commands, the worker answers
// with Reports. Per-step metrics travel in batches (typed arrays, transferred), never one message per
// scalar. A command that expects one answer carries a requestId, echoed by that answer (./requests.ts).
// Benchmark and diagnostics commands are in ./bench.ts; the data worker's protocol in ./data.ts.
import type { BackendChoice, BackendName, TrainConfig } from '../config/types';
import type { BenchCommand, BenchReport } from './bench';
import type { StorageInfo } from './data';
import type { SuiteResult } from './inference';
import { snapshotTransferables, type GapProbeSet, type GapSnapshot, type GapSummary } from './gap';
import type { Request } from './requests';
import { weightBuffers, type ModelWeights } from '../model/modelWeights';

export type { BackendChoice, BackendName };

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



/** A saved model or run in the browser's storage (the Models library). */
/** Where a model of kind 'clip' came from: a CLIP checkpoint folder read from disk. */
export interface ClipOrigin {
  layout: 'hf' | 'openclip';
  /** ViT-B/32, ViT-L/14 … (see vitName). */
  architecture: string;
  weightsFile: string;
  /** The dtypes its weights were stored in (F32, F16, BF16); kept here as F32. */
  dtypes: string[];
  /** Bytes of the weights file on disk. */
  fileBytes: number;
  /** The files that were read. */
  files: string[];
}

export interface ModelSummary {
  id: string;
  name: string;
  /**
   * 'run': trained here (checkpoints carry optimizer state); 'imported': a CLIP Lab .safetensors
   * file; 'clip': a real CLIP read from a checkpoint folder (Hugging Face or open_clip layout).
   */
  kind: 'run' | 'imported' | 'clip';
  /** Set for kind 'clip'. */
  origin?: ClipOrigin;
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
  /** Evaluation-suite results on this model, oldest first (src/worker/inference/evaluationSuite.ts). */
  evaluations?: SuiteResult[];
}

export type RunState = 'idle' | 'preparing' | 'ready' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

// ---------------------------------------------------------------- commands (UI → worker)
export type TrainerCommand =
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
  /** Writes a checkpoint of the current run now (also automatic, see AutosaveConfig). Answered by a CheckpointReport. */
  | { type: 'saveCheckpoint' }
  /** The Models library. Answered by a ModelsReport. */
  | { type: 'listModels' }
  /** Loads a stored run at its checkpoint, paused, ready to continue. */
  | { type: 'resumeModel'; id: string }
  | { type: 'renameModel'; id: string; name: string }
  | { type: 'deleteModel'; id: string }
  /** Answered by a ModelFileReport (a .safetensors Blob). */
  | ({ type: 'exportModel'; id: string } & Request)
  /** The model as an open_clip checkpoint folder (a .tar); answered by a ModelFileReport, or an error naming what does not map. */
  | ({ type: 'exportOpenClip'; id: string } & Request)
  /** Validates a .safetensors file and stores it in the library; answered by a ModelImportReport. */
  | ({ type: 'importModel'; file: File } & Request)
  /** A copy of the run's model weights now, between two steps (the Try view's live model). Answered by a WeightsReport. */
  | ({ type: 'snapshotWeights' } & Request);

export type Command = TrainerCommand | BenchCommand;

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
  /** The modality-gap metrics (methods.md §6) on the retrieval pairs (up to the first 1024 validation pairs); absent in histories stored before them. */
  gapMetrics?: GapSummary;
  evalMs: number;
}

/** A recording of the gap lab's probe set (step 0, every gapEvery steps, the last step, a loaded model's step). */
export interface GapProbeReport {
  type: 'gapProbe';
  runId: string;
  /** The probe pairs, with the run's first snapshot only. */
  probe?: GapProbeSet;
  snapshot: GapSnapshot;
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
  /** Set when the error answers a request (its promise is rejected). */
  requestId?: string;
  message: string;
  /** Where it happened: the command or phase. */
  context: string;
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

export interface ModelFileReport extends Request {
  type: 'modelFile';
  id: string;
  fileName: string;
  blob: Blob;
}

export interface ModelImportReport extends Request {
  type: 'modelImport';
  fileName: string;
  ok: boolean;
  /** The stored model (ok) or why the file was refused (nothing stored). */
  model?: ModelSummary;
  error?: string;
}

export interface WeightsReport extends Request {
  type: 'weights';
  weights: ModelWeights;
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
  /** A fine-tuning run's time estimate: one step's forward + backward timed before the first step. */
  estimate?: { msPerStep: number; backend: string; totalMs: number };
}

export type TrainerReport = GapProbeReport | WeightsReport | CheckpointReport | ModelsReport | ModelFileReport | ModelImportReport | RunReport | StatusReport | ProgressReport | MetricsReport | EvalReport | BackendReport | DatasetReport | ErrorReport;

export type Report = TrainerReport | BenchReport;

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
  if (r.type === 'gapProbe') return snapshotTransferables(r.snapshot);
  if (r.type === 'weights') return weightBuffers(r.weights);
  return [];
}
