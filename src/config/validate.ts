// The one set of checks of a run config, shared by the sidebar (Start is blocked with these messages),
// the URL decoder (a bad parameter falls back to its default) and the worker (which refuses a config
// the UI should never have sent). Each check returns readable problems; an empty list means runnable.
import { validateModelConfig } from '../model/config';
import { COLOURS, SHAPES } from '../data/shapes/attributes';
import type { ModelConfig, ObjectiveConfig, OptimConfig, ShapesDatasetSpec, TrainConfig } from './types';

/** What the data worker knows, for checks of a stored dataset choice. */
export interface DataContext {
  /** Stored datasets (null before the first list arrives). */
  datasets: readonly { id: string; trainPairs: number }[] | null;
  /** A built-in dataset chosen in the sidebar is still being prepared. */
  builtinPreparing?: boolean;
}

type Push = (problem: string) => void;

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown, min = -Infinity, max = Infinity): boolean => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

function int(push: Push, v: unknown, min: number, what: string, max?: number): void {
  if (!isInt(v, min, max)) push(max === undefined ? `${what} must be a whole number ≥ ${min}` : `${what} must be a whole number in [${min}, ${max}]`);
}

function nonNeg(push: Push, v: unknown, what: string): void {
  if (!isNum(v, 0)) push(`${what} must be a number ≥ 0`);
}

/** Readable problems of a model config (empty when it can build a model). */
export function modelProblems(model: ModelConfig): string[] {
  const out: string[] = [];
  const push: Push = (p) => out.push(p);
  const { image, text } = model;
  int(push, image.imageSize, 4, 'image size', 512);
  int(push, image.patchSize, 1, 'patch size');
  int(push, image.width, 1, 'image width');
  int(push, image.layers, 1, 'image layers');
  int(push, image.heads, 1, 'image heads');
  if (!isNum(image.mlpRatio, 0.25, 16)) push('image MLP ratio must lie in [0.25, 16]');
  if (image.pooling !== 'cls' && image.pooling !== 'mean') push('image pooling must be "cls" or "mean"');
  int(push, text.vocabSize, 8, 'vocabulary size', 65536);
  int(push, text.width, 1, 'text width');
  int(push, text.layers, 1, 'text layers');
  int(push, text.heads, 1, 'text heads');
  if (!isNum(text.mlpRatio, 0.25, 16)) push('text MLP ratio must lie in [0.25, 16]');
  int(push, text.contextLength, 3, 'context length (start, one token, end)', 512);
  int(push, model.embedDim, 1, 'embedding dimension');
  if (!isNum(model.maxLogitScale, 0, 10)) push('the maximum log-scale must lie in [0, 10]');
  else if (!isNum(model.initLogitScale, 0, model.maxLogitScale)) push(`the initial log-scale t must lie in [0, ${model.maxLogitScale.toFixed(3)}]`);
  if (model.activation !== undefined && model.activation !== 'gelu' && model.activation !== 'quickgelu') push('the activation must be "gelu" or "quickgelu"');
  if (model.learnLogitScale !== undefined && typeof model.learnLogitScale !== 'boolean') push('"learn the logit scale" must be true or false');
  if (out.length) return out;
  // The structural invariants (divisibility) are the model's own: one implementation, in model/config.ts.
  try {
    validateModelConfig(model);
  } catch (e) {
    out.push(...(e instanceof Error ? e.message : String(e)).replace(/^Invalid model config: /, '').split('; '));
  }
  return out;
}

/**
 * Problems of an objective's hyperparameters. `batchSize` adds ProtoCLIP's episode ≥ batch check;
 * `maxLogitScale` bounds SigLIP's initial t (the model clamps t to [0, max]).
 */
export function objectiveProblems(o: ObjectiveConfig, ctx: { batchSize?: number; maxLogitScale?: number } = {}): string[] {
  const out: string[] = [];
  const push: Push = (p) => out.push(p);
  switch (o.kind) {
    case 'clip':
      break;
    case 'pospair':
      nonNeg(push, o.lambda, 'λ (positive-pair)');
      break;
    case 'siglip': {
      const max = ctx.maxLogitScale ?? Math.log(100);
      if (!isNum(o.initLogitScale, 0, max + 1e-9)) push(`the initial logit scale t must lie in [0, ${max.toFixed(3)}]`);
      if (!isNum(o.initBias)) push('the initial bias b must be a number');
      break;
    }
    case 'cyclip':
      nonNeg(push, o.lambdaInModal, 'λ1 in-modal');
      nonNeg(push, o.lambdaCrossModal, 'λ2 cross-modal');
      break;
    case 'protoclip':
      int(push, o.episodeSize, 2, 'Episode size');
      int(push, o.clusters, 0, 'Prototypes K');
      if (isInt(o.clusters, 0) && o.clusters > o.episodeSize) push('Prototypes K must not exceed the episode size');
      if (ctx.batchSize !== undefined && isInt(o.episodeSize, 2) && o.episodeSize < ctx.batchSize) push('the ProtoCLIP episode size must be at least the batch size');
      int(push, o.kmeansIterations, 1, 'k-means iterations');
      int(push, o.kmeansRestarts, 1, 'k-means restarts');
      int(push, o.headHidden, 1, 'Head hidden');
      int(push, o.headOut, 1, 'Head output');
      if (typeof o.pbt !== 'boolean') push('PBT must be on or off');
      if (typeof o.teacher !== 'boolean') push('the teacher must be on or off');
      break;
    default:
      push(`unknown objective "${(o as { kind?: unknown }).kind}"`);
  }
  return out;
}

export function optimProblems(o: OptimConfig): string[] {
  const out: string[] = [];
  const push: Push = (p) => out.push(p);
  if (!isNum(o.lr) || o.lr <= 0) push('learning rate must be positive');
  if (!isNum(o.minLr, 0)) push('minimum learning rate must be a number ≥ 0');
  else if (isNum(o.lr) && o.minLr > o.lr) push('minimum learning rate must not exceed the learning rate');
  int(push, o.warmupSteps, 0, 'warm-up steps');
  nonNeg(push, o.weightDecay, 'weight decay');
  if (!isNum(o.beta1, 0, 0.999999)) push('β1 must lie in [0, 1)');
  if (!isNum(o.beta2, 0, 0.999999)) push('β2 must lie in [0, 1)');
  if (!isNum(o.eps) || o.eps <= 0) push('ε must be positive');
  nonNeg(push, o.gradClip, 'gradient clip');
  return out;
}

/** Each held-out entry must name one known colour and one known shape, e.g. "red triangle". */
export function heldOutProblems(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const [colour, shape, ...rest] = String(name).trim().toLowerCase().split(/\s+/);
    if (rest.length || !(COLOURS as readonly string[]).includes(colour ?? '') || !(SHAPES as readonly string[]).includes(shape ?? '')) {
      out.push(`held-out "${name}" is not a colour and a shape (colours: ${COLOURS.join(', ')}; shapes: ${SHAPES.join(', ')})`);
    }
  }
  return out;
}

export function shapesProblems(d: ShapesDatasetSpec, batchSize: number): string[] {
  const out: string[] = [];
  const push: Push = (p) => out.push(p);
  int(push, d.seed, 0, 'the Shapes seed', 2 ** 32 - 1);
  int(push, d.trainPairs, 2, 'train pairs', 1_000_000);
  if (isInt(d.trainPairs, 2) && d.trainPairs < batchSize) push('train pairs must be at least the batch size');
  int(push, d.valPairs, 0, 'validation pairs', 100_000);
  if (!isNum(d.twoObjectProb, 0, 1)) push('the two-object share must lie in [0, 1]');
  if (!Array.isArray(d.heldOut)) push('held-out combinations must be a list');
  else out.push(...heldOutProblems(d.heldOut));
  return out;
}

/** Batch size, steps, seed, report / evaluation / auto-save intervals. */
export function computeProblems(c: Pick<TrainConfig, 'batchSize' | 'steps' | 'seed' | 'reportEvery' | 'evalEvery' | 'gapEvery' | 'autosave'>): string[] {
  const out: string[] = [];
  const push: Push = (p) => out.push(p);
  int(push, c.batchSize, 2, 'batch size (contrastive learning needs negatives)', 65536);
  int(push, c.steps, 1, 'steps', 10_000_000);
  int(push, c.seed, 0, 'seed', 2 ** 32 - 1);
  int(push, c.reportEvery, 1, 'report interval');
  int(push, c.evalEvery, 0, 'evaluation interval');
  if (c.gapEvery !== undefined) int(push, c.gapEvery, 0, 'gap recording interval');
  if (c.autosave) {
    int(push, c.autosave.everySteps, 0, 'auto-save steps');
    nonNeg(push, c.autosave.everySeconds, 'auto-save seconds');
  }
  return out;
}

/** Problems that block Start / Step (empty when the config is runnable). */
export function configProblems(c: TrainConfig, data?: DataContext): string[] {
  const out = modelProblems(c.model);
  const push: Push = (p) => out.push(p);
  out.push(...computeProblems(c));
  out.push(...optimProblems(c.optim));
  out.push(...objectiveProblems(c.objective, { batchSize: c.batchSize, maxLogitScale: c.model.maxLogitScale }));
  const ds = c.dataset;
  if (ds.kind === 'shapes') out.push(...shapesProblems(ds, c.batchSize));
  else if (ds.kind === 'stored') {
    if (typeof ds.id !== 'string' || !ds.id) push('no stored dataset is chosen');
    if (data?.builtinPreparing) push('the chosen built-in dataset is still being prepared');
    if (data?.datasets) {
      const summary = data.datasets.find((d) => d.id === ds.id);
      if (!summary) push('the chosen dataset is not in the browser storage any more (choose another one)');
      else if (summary.trainPairs < c.batchSize) push(`the dataset has ${summary.trainPairs} training pairs, fewer than the batch size`);
    }
  } else push(`unknown dataset kind "${(ds as { kind?: unknown }).kind}"`);
  return out;
}

/** The batch size to offer when a dataset has fewer training pairs than the batch: the largest power of two that fits (≥ 2), or null when none does. */
export function fittingBatchSize(trainPairs: number, batchSize: number): number | null {
  if (!Number.isFinite(trainPairs) || trainPairs >= batchSize || trainPairs < 2) return null;
  return 2 ** Math.floor(Math.log2(trainPairs));
}
