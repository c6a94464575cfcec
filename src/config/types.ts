// The run config as data: everything that sets up one training run — dataset, model, objective,
// optimiser and compute (batch size, steps, seed, backend). Plain JSON-serialisable types, shared by
// the UI (sidebar, URL, run history) and the worker (which trains exactly what it is sent).
// Defaults: ./defaults.ts; checks: ./validate.ts; the address-bar form: ./urlConfig.ts.
import type { ModelConfig, PresetName } from '../model/config';

export type { ModelConfig, PresetName };

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
export type BackendChoice = BackendName | 'auto';

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
  /** Steps between recordings of the gap lab's probe set (step 0 and the last step always). 0: those two only; absent: 50. */
  gapEvery?: number;
  /** Before step 1, rotate the text tower onto the image tower (orthogonal Procrustes on 256 training pairs): no gap at initialisation. */
  alignTowersAtInit?: boolean;
  /** Fine-tuning: start from a stored model (its architecture, weights and tokenizer) instead of a fresh init. */
  init?: FineTuneInit;
  /** Auto-save: a checkpoint every N steps or M seconds, whichever comes first (0 turns that trigger off), and on Pause and Stop. */
  autosave?: AutosaveConfig;
}

/**
 * Where a fine-tuning run starts: a library model (a CLIP checkpoint read from disk, or a model trained
 * here), and what trains: every parameter, or only the two projections and the temperature (the towers
 * frozen: their features are fixed, the map onto the shared space and s are learnt).
 */
export interface FineTuneInit {
  modelId: string;
  modelName: string;
  train: 'all' | 'projections';
}

export interface AutosaveConfig {
  everySteps: number;
  everySeconds: number;
}

