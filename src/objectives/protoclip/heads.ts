// ProtoCLIP projection heads (methods.md §5 architecture): on the UNnormalised CLIP embeddings,
//   h = L2normalise( Linear(H→P)( ReLU( BatchNorm( Linear(D→H)(x) ) ) ) )
// one head for images and one for text. Both start from identical weights (the text head's initial
// values are copied from the image head's, so they match bit for bit on any backend) but are
// separate trainable parameters: 'proto.img_head.*' and 'proto.txt_head.*' in the ParamRegistry,
// decay on the two weight matrices only (biases and BatchNorm γ/β are not decayed).
//
// BatchNorm is written by hand (moments + affine) so its gradient runs on every backend:
// - training = true: normalise with the batch statistics (biased variance, ε = 1e-5) and update the
//   running statistics on device: r ← 0.9·r + 0.1·batch (momentum 0.1; running variance uses the
//   unbiased batch variance), as PyTorch's BatchNorm1d does. The update is an assign on two
//   non-trainable tf.Variables (not in the registry, so AdamW never sees them); it is safe inside
//   tf.variableGrads. Batch of 1: variance 0, so the output is β (PyTorch would refuse).
// - training = false: normalise with the running statistics (eval mode).
//
// Which mode the no-gradient FEATURE PASS uses: eval mode (running statistics) — see
// FEATURE_PASS_TRAINING_MODE and imageFeatures()/textFeatures(). Reasons: (1) it is what the
// reference implementation does (megvii-research/protoclip, feature_extraction_one_epoch calls
// model.eval() before the torch.no_grad() pass), so prototypes are built exactly as in the paper;
// (2) each stored feature then depends only on its own sample, not on which other pairs happened to
// share its feature-pass batch, so k-means sees a deterministic function of the data; (3) the pass
// leaves the running statistics untouched. Requirement this puts on the trainer: run BOTH heads in
// training mode in every training step, including the L_CLIP-only warm-up episode (the reference
// computes the heads in every forward), so the running statistics track the current embeddings
// before the first feature pass. Otherwise the first pass normalises with the initial (0, 1) stats.
import * as tf from '@tensorflow/tfjs';
import { createLinear, l2Normalize, linear, type Linear } from '../../model/layers';
import type { ParamRegistry } from '../../model/params';

/** The feature pass runs the heads in eval mode (running BatchNorm statistics). */
export const FEATURE_PASS_TRAINING_MODE = false;
export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

export interface ProtoHead {
  prefix: string;
  fc1: Linear; // D → H
  gamma: tf.Variable; // [H]
  beta: tf.Variable; // [H]
  fc2: Linear; // H → P
  runningMean: tf.Variable; // [H], non-trainable
  runningVar: tf.Variable; // [H], non-trainable
}

function createHead(reg: ParamRegistry, prefix: string, D: number, H: number, P: number): ProtoHead {
  return {
    prefix,
    fc1: createLinear(reg, `${prefix}.fc1`, D, H, D ** -0.5),
    gamma: reg.add(`${prefix}.bn.g`, [H], { kind: 'ones' }, false),
    beta: reg.add(`${prefix}.bn.b`, [H], { kind: 'zeros' }, false),
    fc2: createLinear(reg, `${prefix}.fc2`, H, P, H ** -0.5),
    runningMean: tf.tidy(() => tf.variable(tf.zeros([H]), false)),
    runningVar: tf.tidy(() => tf.variable(tf.ones([H]), false)),
  };
}

function headVariables(h: ProtoHead): tf.Variable[] {
  return [h.fc1.w, h.fc1.b!, h.gamma, h.beta, h.fc2.w, h.fc2.b!];
}

/** Forward of one head on raw embeddings x [N, D] → unit features [N, P]. */
export function headForward(head: ProtoHead, x: tf.Tensor2D, training: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const z = linear(x, head.fc1) as tf.Tensor2D; // [N, H]
    let zhat: tf.Tensor;
    if (training) {
      const n = z.shape[0];
      const { mean, variance } = tf.moments(z, 0); // biased batch variance, [H]
      zhat = tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, BN_EPS)));
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      head.runningMean.assign(tf.add(tf.mul(head.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      head.runningVar.assign(tf.add(tf.mul(head.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    } else {
      zhat = tf.mul(tf.sub(z, head.runningMean), tf.rsqrt(tf.add(head.runningVar, BN_EPS)));
    }
    const a = tf.relu(tf.add(tf.mul(zhat, head.gamma), head.beta));
    return l2Normalize(linear(a, head.fc2)) as tf.Tensor2D;
  });
}

export class ProtoHeads {
  readonly img: ProtoHead;
  readonly txt: ProtoHead;

  constructor(
    reg: ParamRegistry,
    readonly D: number,
    readonly H: number,
    readonly P: number,
  ) {
    this.img = createHead(reg, 'proto.img_head', D, H, P);
    this.txt = createHead(reg, 'proto.txt_head', D, H, P);
    // Identical starting point, separate parameters.
    const src = headVariables(this.img);
    headVariables(this.txt).forEach((v, i) => v.assign(src[i]));
  }

  /** Image head on raw (unnormalised) image embeddings [N, D] → h^I [N, P], unit rows. */
  image(xRaw: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return headForward(this.img, xRaw, training);
  }

  /** Text head on raw (unnormalised) text embeddings [N, D] → h^T [N, P], unit rows. */
  text(xRaw: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return headForward(this.txt, xRaw, training);
  }

  /**
   * Feature-pass features: eval-mode BatchNorm (see the header comment), no side effects. "Without
   * gradients" is the caller's part: call it outside tf.variableGrads / tf.grads.
   */
  imageFeatures(xRaw: tf.Tensor2D): tf.Tensor2D {
    return this.image(xRaw, FEATURE_PASS_TRAINING_MODE);
  }

  textFeatures(xRaw: tf.Tensor2D): tf.Tensor2D {
    return this.text(xRaw, FEATURE_PASS_TRAINING_MODE);
  }

  /** Trainable variables of both heads (image head first); they are also in the registry. */
  variables(): tf.Variable[] {
    return [...headVariables(this.img), ...headVariables(this.txt)];
  }

  /** Non-trainable BatchNorm state by name (for checkpoints). */
  runningStats(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const h of [this.img, this.txt]) {
      out[`${h.prefix}.bn.running_mean`] = h.runningMean;
      out[`${h.prefix}.bn.running_var`] = h.runningVar;
    }
    return out;
  }

  /** Disposes the running statistics; the trainable variables belong to (and are disposed with) the registry. */
  dispose(): void {
    for (const h of [this.img, this.txt]) {
      h.runningMean.dispose();
      h.runningVar.dispose();
    }
  }
}
