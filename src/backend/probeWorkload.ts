// The backend micro-benchmark: forward + backward of a small two-layer network with
// a softmax cross-entropy (the shape of one tiny contrastive step: matmuls, softmax,
// reductions, gradients). Returns the median milliseconds per iteration.
import * as tf from '@tensorflow/tfjs';

export async function runProbeWorkload(budgetMs: number): Promise<number> {
  const n = 64;
  const d = 128;
  const x = tf.randomNormal([n, d], 0, 1, 'float32', 1);
  const w1 = tf.variable(tf.randomNormal([d, d], 0, 0.05, 'float32', 2));
  const w2 = tf.variable(tf.randomNormal([d, d], 0, 0.05, 'float32', 3));
  const labels = tf.oneHot(tf.range(0, n, 1, 'int32'), n).cast('float32');
  const iterate = async () => {
    const t0 = performance.now();
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const h = tf.relu(tf.matMul(x, w1));
        const e = tf.matMul(h, w2);
        const logits = tf.matMul(e, e, false, true);
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }, [w1, w2]);
      return tf.addN([value, grads[w1.name].sum(), grads[w2.name].sum()]);
    });
    await loss.data();
    loss.dispose();
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < 2; i++) await iterate(); // warm-up: shader compilation, buffer pools
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 3 || (performance.now() - start < budgetMs && times.length < 50)) times.push(await iterate());
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    tf.dispose([x, w1, w2, labels]);
  }
}
