// Removing the modality gap at initialisation (the re-emergence lesson): rotate the text tower's
// output so that, on a set of training pairs, its embeddings best match the image tower's,
//   R = argmin_{RᵀR = I} ‖V R − U‖_F   (orthogonal Procrustes, src/eval/procrustes.ts),
//   W_txt.proj ← W_txt.proj R,
// which turns every v = normalise(h W) into v R (the projection has no bias, and a rotation keeps
// norms). Training then starts with the two cones on top of each other.
import * as tf from '@tensorflow/tfjs';
import { procrustesRotation } from '../eval/procrustes';
import type { ClipModel } from '../model/clipModel';

/** Rotates the text projection by the Procrustes rotation of v onto u (n × D unit rows each); returns R (D × D). */
export function alignTextTowerOnto(model: ClipModel, u: ArrayLike<number>, v: ArrayLike<number>, n: number): Float64Array {
  const d = model.config.embedDim;
  const r = procrustesRotation(v, u, n, d);
  const w = model.text.proj.w;
  tf.tidy(() => w.assign(tf.matMul(w, tf.tensor2d(Float32Array.from(r), [d, d]))));
  return r;
}
