// Modality-gap metrics (methods.md §6) accumulated over a fixed probe set in chunks.
// Gap vector Δ = mean_i u_i − mean_i v_i on unit embeddings; gap distance ||Δ||.
import * as tf from '@tensorflow/tfjs';

export class GapAccumulator {
  private sumU: tf.Tensor1D | null = null;
  private sumV: tf.Tensor1D | null = null;
  private sumPos: tf.Scalar | null = null;
  private n = 0;

  /** Add a chunk of paired unit embeddings; only the first `valid` rows count (padding). */
  add(u: tf.Tensor2D, v: tf.Tensor2D, valid: number): void {
    const [su, sv, sp] = tf.tidy(() => {
      const mask = tf.concat([tf.ones([valid]), tf.zeros([u.shape[0] - valid])]).reshape([-1, 1]);
      const um = u.mul(mask);
      const vm = v.mul(mask);
      return [um.sum(0) as tf.Tensor1D, vm.sum(0) as tf.Tensor1D, um.mul(vm).sum() as tf.Scalar];
    });
    this.sumU = this.accumulate(this.sumU, su);
    this.sumV = this.accumulate(this.sumV, sv);
    this.sumPos = this.accumulate(this.sumPos, sp);
    this.n += valid;
  }

  private accumulate<T extends tf.Tensor>(acc: T | null, x: T): T {
    if (!acc) return x;
    const out = tf.add(acc, x) as T;
    acc.dispose();
    x.dispose();
    return out;
  }

  /** { gap: ||Δ||, meanPositive: mean_i u_i·v_i }; disposes the accumulators. */
  async result(): Promise<{ gap: number; meanPositive: number }> {
    if (!this.sumU || !this.sumV || !this.sumPos || this.n === 0) return { gap: NaN, meanPositive: NaN };
    const n = this.n;
    const packed = tf.tidy(() => tf.stack([this.sumU!.sub(this.sumV!).div(n).norm(), this.sumPos!.div(n)]));
    const [gap, meanPositive] = await packed.data();
    tf.dispose([packed, this.sumU, this.sumV, this.sumPos]);
    this.sumU = this.sumV = this.sumPos = null;
    return { gap, meanPositive };
  }
}
