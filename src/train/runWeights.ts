// A copy of a run's model weights, taken between two training steps, for the inference worker (the
// Try view on the live run). The copy is made in one synchronous block (tf clones: the values as of
// the last completed update, even if the training loop resumes while they are read back), then
// read out and disposed. It reads no random stream and changes no state, so the run's losses are
// the same with or without snapshots.
import * as tf from '@tensorflow/tfjs';
import type { ModelWeights } from '../model/modelWeights';
import type { Run } from './run';

export async function runWeights(run: Run): Promise<ModelWeights> {
  const params = run.model.params.params;
  const copies = params.map((p) => tf.clone(p.variable));
  try {
    const tensors: ModelWeights['tensors'] = [];
    for (let i = 0; i < params.length; i++) {
      tensors.push({ name: params[i]!.name, shape: [...params[i]!.shape], values: (await copies[i]!.data()) as Float32Array });
    }
    return {
      id: run.id,
      name: run.name,
      step: run.step,
      config: run.config,
      tokenizer: run.tokenizer.toJSON(),
      dataset: { id: run.data.identity.id, name: run.data.identity.name },
      tensors,
    };
  } finally {
    tf.dispose(copies);
  }
}
