// The default run: the Shapes world with the preset that reaches ≥ 90 % zero-shot
// colour×shape accuracy in a few minutes on a 2-core CPU (see README).
import { MODEL_PRESETS, type PresetName } from '../model/config';
import { DEFAULT_AUTOSAVE, type TrainConfig } from '../protocol/messages';

export const DEFAULT_HELD_OUT = ['red triangle', 'green star', 'blue cross', 'yellow circle'];

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
    autosave: { ...DEFAULT_AUTOSAVE },
  };
}
