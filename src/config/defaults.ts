// Defaults of the run config. The default run: the Shapes world with the preset that reaches ≥ 90 %
// zero-shot colour×shape accuracy in a few minutes on a 2-core CPU (see README). Model presets are
// data in ../model/config.ts (MODEL_PRESETS); each objective's defaults follow its paper (docs/methods.md).
import { MODEL_PRESETS } from '../model/config';
import type { AutosaveConfig, ObjectiveConfig, ObjectiveKind, PresetName, TrainConfig } from './types';

export const DEFAULT_AUTOSAVE: AutosaveConfig = { everySteps: 200, everySeconds: 120 };
/** Steps between the gap lab's probe recordings (a recording embeds 256 validation pairs: a few % of training time at this interval). */
export const DEFAULT_GAP_EVERY = 50;

export const DEFAULT_HELD_OUT = ['red triangle', 'green star', 'blue cross', 'yellow circle'];

/** ln 10: SigLIP's initial log-scale t (scale 10) (docs/methods.md §2). */
export const LN10 = Math.log(10);

export const OBJECTIVE_KINDS: readonly ObjectiveKind[] = ['clip', 'pospair', 'siglip', 'cyclip', 'protoclip'];

export function defaultObjective(kind: ObjectiveKind): ObjectiveConfig {
  switch (kind) {
    case 'clip':
      return { kind: 'clip' };
    case 'pospair':
      return { kind: 'pospair', lambda: 0.1 };
    case 'siglip':
      // Scale 10 and bias −10: the sigmoid starts near "no" for every pair, as most pairs are negatives.
      return { kind: 'siglip', initLogitScale: LN10, initBias: -10 };
    case 'cyclip':
      return { kind: 'cyclip', lambdaInModal: 0.25, lambdaCrossModal: 0.25 };
    case 'protoclip':
      // clusters 0: K = E/10, the paper's ratio.
      return { kind: 'protoclip', episodeSize: 2048, clusters: 0, kmeansIterations: 20, kmeansRestarts: 3, headHidden: 256, headOut: 64, pbt: true, teacher: false };
  }
}

export function defaultTrainConfig(preset: PresetName = 'tiny'): TrainConfig {
  const model = structuredClone(MODEL_PRESETS[preset]);
  return {
    dataset: {
      kind: 'shapes',
      seed: 1,
      imageSize: model.image.imageSize,
      trainPairs: 12800,
      valPairs: 1200,
      heldOut: [...DEFAULT_HELD_OUT],
      twoObjectProb: 0.3,
      vocabSize: model.text.vocabSize,
    },
    objective: { kind: 'clip' },
    preset,
    model,
    optim: { lr: 2e-3, minLr: 1e-4, warmupSteps: 100, weightDecay: 0.1, beta1: 0.9, beta2: 0.98, eps: 1e-6, gradClip: 1.0 },
    batchSize: 64,
    steps: 1500,
    seed: 0,
    reportEvery: 10,
    evalEvery: 200,
    gapEvery: DEFAULT_GAP_EVERY,
    autosave: { ...DEFAULT_AUTOSAVE },
  };
}
