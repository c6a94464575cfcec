// The inference worker's protocol (src/worker/inference.worker.ts): the Try view, retrieval search
// and the evaluation suite run a MODEL (towers + tokenizer + preprocessing) in a worker of their own,
// so that nothing they do touches a training run (its tensors, its random streams, its timing
// beyond sharing the CPU). Every command but `cancel` is a request; its answer echoes the id, and a
// failure is an ErrorReport with that id. Long jobs (an index, the suite) stream ProgressReports
// and stop at the next chunk on `cancel`.
import type { GapProbeSet, GapSnapshot } from './gap';
import type { BackendChoice, TrainConfig } from '../config/types';
import type { ModelWeights } from '../model/modelWeights';
import type { BackendInfo, ModelSummary } from './trainer';
import type { Request } from './requests';

export type { ModelWeights };

/** Where a model comes from: the Models library, or a snapshot of the live run (see `snapshotWeights`). */
export type ModelSource = { kind: 'stored'; id: string } | { kind: 'live'; weights: ModelWeights };

/** An image for the playground: encoded bytes (a file, the clipboard, the drawing, a camera frame) or a stored pair. */
export type ImageSource = { kind: 'encoded'; blob: Blob; name: string } | { kind: 'dataset'; datasetId: string; split: 'train' | 'val'; index: number };

export type InferenceCommand =
  | ({ type: 'init'; backend: BackendChoice } & Request)
  /** Loads a model (replacing the loaded one; caches of the old model go). Answered by a ModelLoadedReport. */
  | ({ type: 'loadModel'; source: ModelSource } & Request)
  /** Decodes and preprocesses an image as the model was trained; keeps its embedding under `imageKey`. Answered by an ImageReport. */
  | ({ type: 'setImage'; imageKey: string; image: ImageSource } & Request)
  /** Scores the image under `imageKey` against the labels, with the template ensemble and with `singleTemplate`. Answered by a ZeroShotReport. */
  | ({ type: 'zeroShot'; imageKey: string; labels: string[]; templates: string[]; singleTemplate: number } & Request)
  /** Images of a stored dataset, for picking (validation images first). Answered by a SamplesReport. */
  | ({ type: 'samples'; datasetId: string; split: 'train' | 'val'; offset: number; limit: number } & Request)
  /** Embeds every image of a dataset with the loaded model (cached until the model changes). Answered by an IndexReport. */
  | ({ type: 'buildIndex'; datasetId: string } & Request)
  /** Text → image search over the index. Answered by a SearchReport. */
  | ({ type: 'search'; query: string; k: number } & Request)
  /** Image → text: the captions of the index that score highest for one of its images. Answered by a CaptionsReport. */
  | ({ type: 'imageCaptions'; position: number; k: number } & Request)
  /** The evaluation suite of the loaded model on a dataset (docs/methods.md §7). Answered by a SuiteReport. */
  | ({ type: 'evaluate'; datasetId: string } & Request)
  /**
   * The gap lab's probe of a dataset embedded by the loaded model (no seeds), or by untrained models
   * of its architecture, one per seed (the cone lesson). Answered by a GapRecordReport.
   */
  | ({ type: 'gapRecord'; datasetId: string; seeds: number[] } & Request)
  /**
   * Reads a CLIP checkpoint folder (Hugging Face or open_clip layout: its picked or dropped files),
   * checks it and stores it in the library (load it then like any stored model). Progress as 'import' jobs; cancellable.
   * Answered by a ClipImportedReport, or an error naming the file and the problem (nothing stored).
   */
  | ({ type: 'importClip'; files: File[]; name: string } & Request)
  /**
   * For bench/clip.bench.ts: times the loaded model's encoders on the backend in use. `images`
   * random RGB images (imageSize² · 3 bytes each) in one encodeImages call and `texts` labels of a
   * few words in one encodeTexts call (0 skips either); per encoder one warm-up call (run inside
   * tf.profile for the peak memory; `warmup: false` skips it when a call of the same shapes ran
   * before) and `repeats` timed calls. Answered by an EncodeBenchReport.
   */
  | ({ type: 'benchmarkEncode'; images: number; texts: number; repeats: number; warmup?: boolean } & Request)
  /** Stops the job of `requestId` at its next chunk (it answers with an error "cancelled"). */
  | { type: 'cancel'; requestId: string };

/** What the UI knows about the loaded model. */
export interface LoadedModelInfo {
  /** Changes whenever the weights do (a new snapshot of the live run is a new model). */
  key: string;
  /** The library id (stored) or the live run's id (its record once saved). */
  modelId: string;
  name: string;
  source: 'stored' | 'live';
  step: number;
  config: TrainConfig;
  datasetId: string;
  datasetName: string;
  /** Whether that dataset is in storage (validation images, retrieval and evaluation need it). */
  datasetStored: boolean;
  /** The dataset's prompt ensemble ({} marks the label), or a generic one. */
  templates: string[];
  /** The dataset's class names (empty when it has none, or is not stored). */
  classes: string[];
  /** The dataset's typical background colour (sRGB), where the drawing canvas starts. */
  background: [number, number, number] | null;
  logitScale: number;
  contextLength: number;
  imageSize: number;
  embedDim: number;
  loadMs: number;
}

export interface ClipImportedReport extends Request {
  type: 'clipImported';
  /** The new library entry. */
  model: ModelSummary;
  /** Milliseconds reading and converting the files, and writing them to storage. */
  readMs: number;
  writeMs: number;
}

export interface ModelLoadedReport extends Request {
  type: 'modelLoaded';
  model: LoadedModelInfo;
}

export interface ImageReport extends Request {
  type: 'image';
  imageKey: string;
  /** The image as the model sees it: imageSize² RGB after the centre crop and resize. */
  rgb: Uint8Array;
  size: number;
  /** Original size when decoded from a file (null for a stored pair). */
  original: { width: number; height: number } | null;
  ms: number;
}

export interface ZeroShotSet {
  /** Probabilities p = softmax(s · cos), per label (input order). */
  probabilities: number[];
  cosines: number[];
  /** Label indices, most probable first. */
  order: number[];
}

export interface ZeroShotReport extends Request {
  type: 'zeroShot';
  imageKey: string;
  modelKey: string;
  labels: string[];
  ensemble: ZeroShotSet;
  /** The same with only templates[singleTemplate]. */
  single: ZeroShotSet;
  singleTemplate: string;
  /** Templates in the ensemble. */
  templateCount: number;
  logitScale: number;
  /** Prompts longer than the context: the model sees them cut (kept of tokens). */
  truncated: { prompt: string; tokens: number; kept: number }[];
  /** Prompts encoded for this answer (the rest came from the cache). */
  encodedPrompts: number;
  ms: number;
}

export interface SampleImage {
  split: 'train' | 'val';
  index: number;
  rgb: Uint8Array;
  caption: string;
  label: number;
}

export interface SamplesReport extends Request {
  type: 'samples';
  datasetId: string;
  size: number;
  total: number;
  samples: SampleImage[];
}

export interface IndexReport extends Request {
  type: 'index';
  modelKey: string;
  datasetId: string;
  datasetName: string;
  images: number;
  captions: number;
  /** Whether the index was already built for this model (no work done). */
  cached: boolean;
  imagesPerSec: number;
  ms: number;
}

export interface SearchHit {
  /** Position in the index (images in split order: train, then val). */
  position: number;
  split: 'train' | 'val';
  index: number;
  score: number;
  rgb: Uint8Array;
  caption: string;
}

export interface SearchReport extends Request {
  type: 'search';
  query: string;
  size: number;
  hits: SearchHit[];
  truncated: boolean;
  ms: number;
}

export interface CaptionsReport extends Request {
  type: 'captions';
  position: number;
  /** Top captions for the image; `own` marks the image's own captions. */
  captions: { text: string; score: number; own: boolean }[];
}

/** The evaluation suite's results (docs/methods.md §7); stored with the model's record. */
export interface SuiteResult {
  modelId: string | null;
  modelName: string;
  modelStep: number;
  datasetId: string;
  datasetName: string;
  at: string;
  ms: number;
  zeroShot: {
    classes: string[];
    images: number;
    ensemble: { top1: number; top5: number; perClass: number[]; confusion: number[] };
    single: { template: string; top1: number; top5: number };
    templates: number;
  } | null;
  retrieval: {
    images: number;
    captions: number;
    /** How many of the captions are different texts (templated datasets repeat them); absent in results stored before it was counted. */
    distinctCaptions?: number;
    i2t: { r1: number; r5: number; r10: number };
    t2i: { r1: number; r5: number; r10: number };
  } | null;
  linearProbe: {
    features: string;
    /** Which images fitted the probe, chose λ and were scored, in words. */
    protocol: string;
    trainImages: number;
    validationImages: number;
    testImages: number;
    lambda: number;
    validation: { lambda: number; accuracy: number }[];
    testTop1: number;
  } | null;
  /** Why a part was skipped (no classes, too few labelled images, …). */
  notes: string[];
}

export interface GapRecordReport extends Request {
  type: 'gapRecord';
  probe: GapProbeSet;
  /** One per seed (step 0 each), or the loaded model's one at its step. */
  snapshots: GapSnapshot[];
  seeds: number[];
}

export interface SuiteReport extends Request {
  type: 'suite';
  result: SuiteResult;
}

/** tf.memory() of the inference worker, and what the backend adds (absent where it reports nothing). */
export interface EncodeBenchMemory {
  numTensors: number;
  /** Bytes of live tensors, counted per tensor handle (a clone counts twice). */
  numBytes: number;
  /** webgl, webgpu: bytes of the live tensors' GPU textures / buffers. */
  numBytesInGPU?: number;
  /** webgpu: bytes of all buffers the pool holds (in use or free; the pool never shrinks); webgl: of all textures. */
  numBytesInGPUAllocated?: number;
  /** wasm: bytes of the WebAssembly heap (it only grows). */
  wasmHeapBytes?: number;
}

/** tf.profile of one encoder call: peakBytes is the most tf.memory().numBytes reached (model included). */
export type EncodeBenchProfile = { peakBytes: number; newBytes: number; newTensors: number; kernels: number; ms: number } | { error: string };

export interface EncodeBenchReport extends Request {
  type: 'encodeBench';
  backend: string;
  images: number;
  texts: number;
  imageSize: number;
  /** Milliseconds of each timed call (one call embeds all `images`, one all `texts`). */
  imageMs: number[];
  textMs: number[];
  imageMedianMs: number | null;
  textMedianMs: number | null;
  /** The warm-up calls, profiled (null when skipped). */
  imageWarmup: EncodeBenchProfile | null;
  textWarmup: EncodeBenchProfile | null;
  memoryBefore: EncodeBenchMemory;
  memoryAfter: EncodeBenchMemory;
  /** memoryAfter.numTensors − memoryBefore.numTensors (0 when nothing leaked). */
  leakedTensors: number;
}

export interface InferenceProgressReport extends Request {
  type: 'progress';
  job: 'index' | 'evaluate' | 'load' | 'import';
  done: number;
  total: number;
  message: string;
}

export interface InferenceBackendReport extends Request {
  type: 'backend';
  info: BackendInfo;
}

export interface InferenceErrorReport {
  type: 'error';
  requestId?: string;
  message: string;
  context: string;
  /** True when the job stopped on `cancel`. */
  cancelled?: boolean;
}

export type InferenceReport =
  | ClipImportedReport
  | EncodeBenchReport
  | GapRecordReport
  | InferenceBackendReport
  | ModelLoadedReport
  | ImageReport
  | ZeroShotReport
  | SamplesReport
  | IndexReport
  | SearchReport
  | CaptionsReport
  | SuiteReport
  | InferenceProgressReport
  | InferenceErrorReport;
