// ProtoCLIP's feature pass (episodes.ts, 'feature pass'): the episode's pairs through the towers
// and the projection heads without gradients, in fixed-size chunks of the batch size (the last
// chunk padded by repetition, the padding dropped), heads in EVAL mode → h^I, h^T [E, P].
import * as tf from '@tensorflow/tfjs';
import type { CaptionEncoder } from '../../data/store/shardReader';
import type { ClipModel } from '../../model/clipModel';
import { normaliseBytesInto, type EpisodeData, type EpisodePairSource } from './episodePairs';
import type { ProtoclipObjective } from './protoclipObjective';

/** What the feature pass takes from the episode runner's options. */
export interface FeaturePassOptions {
  model: ClipModel;
  objective: ProtoclipObjective;
  batchSize: number;
  source: Pick<EpisodePairSource, 'imageSize'>;
  tokenizer: CaptionEncoder;
  contextLength: number;
}

/** No-gradient forward of the episode in batch-size chunks → eval-mode head features [E, P]. */
export async function featurePass(
  data: EpisodeData,
  opts: FeaturePassOptions,
  progress: (done: number, total: number, detail: string) => void,
  yieldFn: () => Promise<void>,
): Promise<{ hI: tf.Tensor2D; hT: tf.Tensor2D }> {
  const { model, objective, batchSize: B, source, tokenizer, contextLength } = opts;
  const E = data.captions.length;
  const S = source.imageSize;
  const px = S * S * 3;
  const chunks = Math.ceil(E / B);
  const partsI: tf.Tensor2D[] = [];
  const partsT: tf.Tensor2D[] = [];
  try {
    for (let c = 0; c < chunks; c++) {
      progress(c, chunks, `${E} pairs`);
      const start = c * B;
      const n = Math.min(B, E - start);
      const images = new Float32Array(B * px);
      const captions: string[] = [];
      for (let b = 0; b < B; b++) {
        const p = start + (b % n); // pad the last chunk by repetition (fixed shapes)
        normaliseBytesInto(data.images, p * px, px, images, b * px);
        captions.push(data.captions[p]);
      }
      const { tokens, eot } = tokenizer.encodeBatch(captions, contextLength);
      const [hI, hT] = tf.tidy(() => {
        const x = tf.tensor4d(images, [B, S, S, 3], 'float32');
        const tok = tf.tensor2d(tokens, [B, contextLength], 'int32');
        const e = tf.tensor1d(eot, 'int32');
        let fi = objective.heads.imageFeatures(model.encodeImagesRaw(x));
        let ft = objective.heads.textFeatures(model.encodeTextsRaw(tok, e));
        if (n < B) {
          fi = tf.slice(fi, [0, 0], [n, -1]);
          ft = tf.slice(ft, [0, 0], [n, -1]);
        }
        return [fi, ft];
      });
      partsI.push(hI);
      partsT.push(hT);
      await yieldFn();
    }
    progress(chunks, chunks, `${E} pairs`);
    return { hI: tf.concat(partsI, 0) as tf.Tensor2D, hT: tf.concat(partsT, 0) as tf.Tensor2D };
  } finally {
    tf.dispose([...partsI, ...partsT]);
  }
}
