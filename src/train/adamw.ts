// AdamW (Loshchilov & Hutter; methods.md §1): θ ← θ − lr·wd·θ (decay:true params only), then
// m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − lr·(m/(1−β1^k)) / (√(v/(1−β2^k)) + ε).
// Slots are tf.Variables created once in parameter order; the step count k lives in JS (no reads).
import * as tf from '@tensorflow/tfjs';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.2 };

export interface AdamWParam {
  variable: tf.Variable;
  decay: boolean;
}

export class AdamW {
  readonly config: AdamWConfig;
  /** Number of updates applied so far (k of the last update). */
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(readonly params: readonly AdamWParam[], config: Partial<AdamWConfig> = {}) {
    this.config = { ...ADAMW_DEFAULTS, ...config };
    // tf.variable shares the initial tensor's data; tidy drops the initial tensors themselves
    // (left alive, they leaked 2 tensors per parameter on every configure).
    this.m = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p.variable), false)));
    this.v = tf.tidy(() => params.map((p) => tf.variable(tf.zerosLike(p.variable), false)));
  }

  /** One update. grads[i] belongs to params[i]; a null grad leaves that param (and its slots) untouched. */
  apply(grads: ReadonlyArray<tf.Tensor | null>, lr: number): void {
    if (grads.length !== this.params.length) throw new Error(`expected ${this.params.length} grads, got ${grads.length}`);
    this.step += 1;
    const { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd } = this.config;
    const bc1 = 1 - b1 ** this.step;
    const bc2 = 1 - b2 ** this.step;
    tf.tidy(() => {
      for (let i = 0; i < this.params.length; i++) {
        const g = grads[i];
        if (!g) continue;
        const { variable: p, decay } = this.params[i];
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        const base = decay && wd !== 0 ? tf.mul(p, 1 - lr * wd) : p;
        p.assign(tf.sub(base, tf.mul(update, lr)));
      }
    });
  }

  /** Slot variables in parameter order (for checkpoints). */
  slots(): { m: tf.Variable[]; v: tf.Variable[] } {
    return { m: this.m, v: this.v };
  }

  dispose(): void {
    for (const t of this.m) t.dispose();
    for (const t of this.v) t.dispose();
  }
}
