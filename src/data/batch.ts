// A training / evaluation batch as it crosses from the data pipeline into the model.
// Shapes are static per run: B pairs, images B×S×S×3, tokens B×T (padded).

export interface Batch {
  /** Number of pairs B. */
  size: number;
  /** Image side S (square RGB). */
  imageSize: number;
  /** B·S·S·3 floats, NHWC, already normalised (x/255 − mean)/std. */
  images: Float32Array;
  /** Tokens per caption T. */
  contextLength: number;
  /** B·T token ids, start … end, then padding. */
  tokens: Int32Array;
  /** B indices in [0, T): the position of each caption's end-of-text token. */
  eot: Int32Array;
}

/** Per-channel normalisation applied to every image (Shapes/RGB data: centred to roughly [-1, 1]). */
export const IMAGE_MEAN = [0.5, 0.5, 0.5] as const;
export const IMAGE_STD = [0.5, 0.5, 0.5] as const;
