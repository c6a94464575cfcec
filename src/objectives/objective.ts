// The contract every training objective meets (methods.md §1–§5). An objective turns a
// batch's embeddings into a total loss plus named components, may own extra trainable
// parameters (registered in the model's ParamRegistry, so AdamW sees them, each with its
// weight-decay flag), and may clamp them after each optimizer step.
import type * as tf from '@tensorflow/tfjs';

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
  /** Releases tensors the objective owns outside the ParamRegistry (optional). */
  dispose?(): void;
}
