// Checks of the editable run settings before they are sent to the worker.
import { validateModelConfig } from '../model/config';
import type { TrainConfig } from '../protocol/messages';

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
export function configProblems(c: TrainConfig): string[] {
  const out = modelProblems(c.model);
  if (c.batchSize < 2) out.push('batch size must be at least 2 (contrastive learning needs negatives)');
  if (c.steps < 1) out.push('steps must be at least 1');
  if (c.dataset.trainPairs < c.batchSize) out.push('train pairs must be at least the batch size');
  if (!(c.optim.lr > 0)) out.push('learning rate must be positive');
  return out;
}
