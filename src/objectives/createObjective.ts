// Builds the configured training objective (methods.md §1–§4) for a model. Call it on a freshly built
// model and BEFORE `new Trainer(...)`: objectives with their own parameters (SigLIP's bias) register
// them in the model's ParamRegistry here, and the Trainer's optimizer only sees what is registered
// when it is created (the Trainer throws if the registry grows afterwards).
// SigLIP also re-initialises the model's t to config.initLogitScale (ln 10); the clamp [0, ln 100] stays.
import * as tf from '@tensorflow/tfjs';
import type { ClipModel } from '../model/clipModel';
import type { ObjectiveConfig } from '../config/types';
import { objectiveProblems } from '../config/validate';
import { createClipObjective } from './clipObjective';
import { createCyclipObjective } from './cyclipObjective';
import type { Objective } from './objective';
import { createPositivePairObjective } from './positivePairObjective';
import { ProtoclipObjective } from './protoclip/protoclipObjective';
import { SIGLIP_BIAS_PARAM, createSiglipObjective } from './siglipObjective';

export function createObjective(config: ObjectiveConfig, model: ClipModel): Objective {
  const problems = objectiveProblems(config, { maxLogitScale: model.config.maxLogitScale });
  if (problems.length) throw new Error(`Invalid ${config.kind} objective: ${problems.join('; ')}`);
  switch (config.kind) {
    case 'clip':
      return createClipObjective();
    case 'pospair':
      return createPositivePairObjective(config.lambda);
    case 'cyclip':
      return createCyclipObjective(config.lambdaInModal, config.lambdaCrossModal);
    case 'siglip': {
      const { initLogitScale, initBias } = config;
      // Re-creating the objective on the same model re-initialises b (and t) instead of registering twice.
      const bias = model.params.has(SIGLIP_BIAS_PARAM)
        ? model.params.get(SIGLIP_BIAS_PARAM)
        : model.params.add(SIGLIP_BIAS_PARAM, [], { kind: 'constant', value: initBias }, false);
      tf.tidy(() => bias.assign(tf.scalar(initBias, 'float32')));
      model.setLogitScale(initLogitScale);
      return createSiglipObjective(bias);
    }
    case 'protoclip':
      return new ProtoclipObjective(model, { headHidden: config.headHidden, headOut: config.headOut, teacher: config.teacher, episodes: config });
    default:
      throw new Error(`unknown objective kind "${(config as { kind?: unknown }).kind}"`);
  }
}
