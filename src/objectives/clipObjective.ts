// Plain CLIP objective (methods.md §1):
//   L = L_CLIP = −(1/2N) Σ_i [ log softmax_j(s·S_ij)|_{j=i} + log softmax_j(s·S_ji)|_{j=i} ],  s = exp(t), S = u·vᵀ.
// Components: {clip}. No parameters of its own (t belongs to the model).
import * as tf from '@tensorflow/tfjs';
import { clipLoss } from './clipLoss';
import type { Objective, ObjectiveInputs, ObjectiveOutput } from './objective';

export function createClipObjective(): Objective {
  return {
    kind: 'clip',
    componentNames: ['clip'],
    extraScalars: () => ({}),
    compute({ u, v, logitScale }: ObjectiveInputs): ObjectiveOutput {
      const loss = clipLoss(u, v, logitScale);
      // A separate tensor object (shared data) so that disposing one never invalidates the other.
      return { loss, components: { clip: tf.clone(loss) } };
    },
    afterStep() {},
  };
}
