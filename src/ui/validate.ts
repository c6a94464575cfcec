// Checks of the editable run settings before they are sent to the worker.
import { validateModelConfig } from '../model/config';
import { COLOURS, SHAPES } from '../data/shapes/attributes';
import type { DatasetSummary, TrainConfig } from '../protocol/messages';
import { objectiveOf, objectiveProblems } from './objectives';

/** What the data worker knows, for checks of a stored dataset choice. */
export interface DataContext {
  /** Stored datasets (null before the first list arrives). */
  datasets: readonly DatasetSummary[] | null;
  /** A built-in dataset chosen in the sidebar is still being prepared. */
  builtinPreparing?: boolean;
}

/** Readable problems of a model config (empty when it can build a model). */
export function modelProblems(model: TrainConfig['model']): string[] {
  try {
    validateModelConfig(model);
    return [];
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.replace(/^Invalid model config: /, '').split('; ');
  }
}

/** Problems that block Start / Step (empty when the config is runnable). */
export function configProblems(c: TrainConfig, data?: DataContext): string[] {
  const out = modelProblems(c.model);
  if (c.batchSize < 2) out.push('batch size must be at least 2 (contrastive learning needs negatives)');
  if (c.steps < 1) out.push('steps must be at least 1');
  if (!(c.optim.lr > 0)) out.push('learning rate must be positive');
  const objective = objectiveOf(c);
  out.push(...objectiveProblems(objective));
  if (objective.kind === 'protoclip' && objective.episodeSize < c.batchSize) out.push('the ProtoCLIP episode size must be at least the batch size');
  const ds = c.dataset;
  if (ds.kind === 'shapes') {
    if (ds.trainPairs < c.batchSize) out.push('train pairs must be at least the batch size');
    out.push(...heldOutProblems(ds.heldOut));
  } else {
    if (data?.builtinPreparing) out.push('the chosen built-in dataset is still being prepared');
    if (data?.datasets) {
      const summary = data.datasets.find((d) => d.id === ds.id);
      if (!summary) out.push('the chosen dataset is not in the browser storage any more (choose another one)');
      else if (summary.trainPairs < c.batchSize) out.push(`the dataset has ${summary.trainPairs} training pairs, fewer than the batch size`);
    }
  }
  return out;
}

/** Each held-out entry must name one known colour and one known shape, e.g. "red triangle". */
export function heldOutProblems(names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const [colour, shape, ...rest] = name.trim().toLowerCase().split(/\s+/);
    if (rest.length || !(COLOURS as readonly string[]).includes(colour) || !(SHAPES as readonly string[]).includes(shape ?? '')) {
      out.push(`held-out "${name}" is not a colour and a shape (colours: ${COLOURS.join(', ')}; shapes: ${SHAPES.join(', ')})`);
    }
  }
  return out;
}

/** The batch size to offer when a dataset has fewer training pairs than the batch: the largest power of two that fits (≥ 2), or null when none does. */
export function fittingBatchSize(trainPairs: number, batchSize: number): number | null {
  if (!Number.isFinite(trainPairs) || trainPairs >= batchSize || trainPairs < 2) return null;
  return 2 ** Math.floor(Math.log2(trainPairs));
}
