// The contract every training objective meets (methods.md §1–§5). An objective turns a
// batch's embeddings into a total loss plus named components, may own extra trainable
// parameters (registered in the model's ParamRegistry, so AdamW sees them, each with its
// weight-decay flag), and may clamp them after each optimizer step.
import type * as tf from '@tensorflow/tfjs';
import type { CaptionEncoder, LabelledBatch } from '../data/store/shardReader';
import type { ClipModel } from '../model/clipModel';
import type { EpisodePairSource } from './protoclip/episodePairs';

export interface ObjectiveInputs {
  /** Projected image embeddings before L2 normalisation [N, D] (ProtoCLIP's heads use these). */
  uRaw: tf.Tensor2D;
  vRaw: tf.Tensor2D;
  /** Unit embeddings u_i, v_i [N, D]. */
  u: tf.Tensor2D;
  v: tf.Tensor2D;
  /** The model's logit-scale parameter t (s = exp t). */
  logitScale: tf.Scalar;
  /** Each batch pair's position within the current episode (ProtoCLIP's episodic batches only). */
  episodePositions?: Int32Array;
}

export interface ObjectiveOutput {
  loss: tf.Scalar;
  /** Named loss terms, each already weighted as it enters `loss` (e.g. {clip, reg}). */
  components: Record<string, tf.Scalar>;
}

export interface Objective {
  readonly kind: string;
  /** Names of `components`, fixed for the objective (charts and metrics use them). */
  readonly componentNames: readonly string[];
  /** Named scalars worth charting besides the loss terms (e.g. SigLIP's bias b). Read-only views. */
  readonly extraScalars: () => Record<string, tf.Scalar>;
  compute(inputs: ObjectiveInputs): ObjectiveOutput;
  /** After each optimizer step (e.g. clamp an extra temperature). On device, no reads. */
  afterStep(): void;
  /**
   * The objective's own training batches (ProtoCLIP's episodes). Without it the run trains on the
   * reader's stream. Pass `snapshot` to continue where a saved source stopped.
   */
  createBatchSource?(ctx: BatchSourceContext): BatchSource;
  /** Named non-trainable tensors the objective owns (e.g. BatchNorm running statistics), for checkpoints. */
  stateTensors?(): Record<string, tf.Variable>;
  /** Releases tensors the objective owns outside the ParamRegistry (optional). */
  dispose?(): void;
}

/** What an objective's batch source may use: the model, the tokenizer and random access to the training pairs. */
export interface BatchSourceContext {
  model: ClipModel;
  tokenizer: CaptionEncoder;
  contextLength: number;
  batchSize: number;
  seed: number;
  /** The training split, pair by pair. */
  pairs: EpisodePairSource;
  onProgress?: (p: { done: number; total: number; message: string }) => void;
  /** Lets queued messages in (pause / stop / status) during long preparations. */
  yieldFn?: () => Promise<void>;
}

// ---------------------------------------------------------------- batch sources
// Where an objective's training batches come from. Most objectives train on the reader's stream
// (the default, made by the training run); ProtoCLIP brings its own episodic source. A source is
// part of a run's resumable state: snapshot() captures where it is, and its factory takes that
// snapshot back to continue exactly there.

/** A training batch, fixed shape; ProtoCLIP's batches also carry their pairs' episode positions. */
export type TrainingBatch = LabelledBatch & { episodePositions?: Int32Array };

/** A tensor-shaped piece of state held in JS (float32 or int32), e.g. an episode's prototypes. */
export interface StateArray {
  shape: number[];
  values: Float32Array | Int32Array;
}

export interface BatchSourceSnapshot {
  /** JSON-serialisable position (e.g. the reader's {epoch, pos, batches}, or episode and cursor). */
  state: unknown;
  /** Named arrays that cannot be recomputed from the state (empty for the reader). */
  arrays: Record<string, StateArray>;
}

export interface BatchSource {
  nextBatch(): Promise<TrainingBatch>;
  /** True when the next nextBatch() starts a long preparation (e.g. a ProtoCLIP episode). */
  readonly preparesNext: boolean;
  snapshot(): Promise<BatchSourceSnapshot>;
  /** Restores a snapshot of a source built with the same data and options. */
  restore(snapshot: BatchSourceSnapshot): Promise<void>;
  dispose(): void;
}
