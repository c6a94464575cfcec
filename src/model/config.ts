// Model configuration as plain data (nanoGPT style) and the named presets.
// Every knob is editable in the UI; presets are only starting points.

export interface ImageTowerConfig {
  /** Square input resolution in pixels (images are H = W = imageSize, RGB). */
  imageSize: number;
  /** Patch side in pixels; imageSize must be a multiple of it. */
  patchSize: number;
  /** Transformer width. */
  width: number;
  layers: number;
  heads: number;
  /** MLP hidden width = mlpRatio · width. */
  mlpRatio: number;
  /** 'cls' prepends a learnable class token; 'mean' averages the patch tokens. */
  pooling: 'cls' | 'mean';
}

export interface TextTowerConfig {
  vocabSize: number;
  /** Tokens per caption including start and end tokens (padded / truncated). */
  contextLength: number;
  width: number;
  layers: number;
  heads: number;
  mlpRatio: number;
}

export interface ModelConfig {
  image: ImageTowerConfig;
  text: TextTowerConfig;
  /** Joint embedding dimension D. */
  embedDim: number;
  /** Initial logit-scale parameter t (s = exp t); CLIP uses ln(1/0.07). */
  initLogitScale: number;
  /** Upper clamp of t after each step; CLIP uses ln 100. */
  maxLogitScale: number;
  /** Per-channel image normalisation (rgb/255 − mean)/std; absent: 0.5 and 0.5 (models trained here). */
  imageMean?: [number, number, number];
  imageStd?: [number, number, number];
  /** The MLP activation: exact GELU (default), or QuickGELU x·σ(1.702x) of OpenAI's CLIP weights. */
  activation?: Activation;
  /** false: t stays at its initial value (a fixed temperature τ = exp(−t), as in the gap lab's temperature lesson). Absent: learned. */
  learnLogitScale?: boolean;
}

export type Activation = 'gelu' | 'quickgelu';

export const CLIP_INIT_LOGIT_SCALE = Math.log(1 / 0.07);
export const CLIP_MAX_LOGIT_SCALE = Math.log(100);

export type PresetName = 'tiny' | 'small';

export const MODEL_PRESETS: Record<PresetName, ModelConfig> = {
  tiny: {
    image: { imageSize: 32, patchSize: 8, width: 64, layers: 2, heads: 2, mlpRatio: 2, pooling: 'mean' },
    text: { vocabSize: 256, contextLength: 16, width: 64, layers: 2, heads: 2, mlpRatio: 2 },
    embedDim: 64,
    initLogitScale: CLIP_INIT_LOGIT_SCALE,
    maxLogitScale: CLIP_MAX_LOGIT_SCALE,
  },
  small: {
    image: { imageSize: 32, patchSize: 4, width: 128, layers: 4, heads: 4, mlpRatio: 4, pooling: 'cls' },
    text: { vocabSize: 512, contextLength: 24, width: 128, layers: 4, heads: 4, mlpRatio: 4 },
    embedDim: 128,
    initLogitScale: CLIP_INIT_LOGIT_SCALE,
    maxLogitScale: CLIP_MAX_LOGIT_SCALE,
  },
};

/** Throws with a readable message when a config cannot build a model. */
export function validateModelConfig(c: ModelConfig): void {
  const errs: string[] = [];
  if (c.image.imageSize % c.image.patchSize !== 0) errs.push(`image size ${c.image.imageSize} is not a multiple of patch size ${c.image.patchSize}`);
  if (c.image.width % c.image.heads !== 0) errs.push(`image width ${c.image.width} is not divisible by ${c.image.heads} heads`);
  if (c.text.width % c.text.heads !== 0) errs.push(`text width ${c.text.width} is not divisible by ${c.text.heads} heads`);
  if (c.text.contextLength < 3) errs.push('context length must be at least 3 (start, one token, end)');
  if (c.embedDim < 1) errs.push('embedding dimension must be positive');
  if (errs.length) throw new Error(`Invalid model config: ${errs.join('; ')}`);
}
