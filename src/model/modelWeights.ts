// A model's weights as plain data: what the inference worker needs to rebuild a model (towers,
// logit scale, tokenizer, preprocessing follow from the config) without a training run. Built
// from a stored checkpoint (src/train/runStorage.ts, loadStoredWeights) or from the live run
// between two steps (src/train/runWeights.ts); the values are copies, so using them never touches
// the run they came from.
import type { TrainConfig } from '../config/types';

export interface ModelWeights {
  /** The library id (stored model) or the run's id (live snapshot). */
  id: string;
  name: string;
  step: number;
  /** The resolved run config (vocabulary and image size set from the data). */
  config: TrainConfig;
  /** The serialised tokenizer (BpeTokenizer.toJSON()); null when the file had none. */
  tokenizer: unknown;
  dataset: { id: string; name: string };
  /** The model's parameters by registry name (the objective's own parameters are not needed). */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

/** The buffers of a weights object, to transfer instead of copy. */
export function weightBuffers(w: ModelWeights): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const t of w.tensors) if (t.values.buffer instanceof ArrayBuffer) out.add(t.values.buffer);
  return [...out];
}
