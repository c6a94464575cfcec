// One evaluation pass over the validation split (fixed chunk size → static shapes):
// zero-shot top-1 for seen and held-out combinations with the prompt ensemble, the
// modality gap and mean positive cosine, and the similarity matrix of (the first
// rows of) the current training batch.
import * as tf from '@tensorflow/tfjs';
import type { ClipLabDatabase } from '../data/db';
import { normaliseImageInto, readSplit, type LabelledBatch } from '../data/store/shardReader';
import type { DatasetManifest } from '../data/store/types';
import { GapAccumulator } from '../eval/modalityGap';
import { classEmbeddings, predictClasses, ZeroShotTally } from '../eval/zeroShot';
import type { ClipModel } from '../model/clipModel';
import type { EvalReport, TrainConfig } from '../protocol/messages';
import type { BpeTokenizer } from '../tokenizer/bpe';

export const SIMILARITY_ROWS = 16;

interface EvalInputs {
  db: ClipLabDatabase;
  model: ClipModel;
  manifest: DatasetManifest;
  tokenizer: BpeTokenizer;
  config: TrainConfig;
  step: number;
  batch: LabelledBatch | null;
}

export async function evaluateModel({ db, model, manifest, tokenizer, config, step, batch }: EvalInputs): Promise<EvalReport> {
  const t0 = performance.now();
  const T = config.model.text.contextLength;
  const S = manifest.imageSize;
  const px = S * S * 3;
  const chunk = config.batchSize;
  const encodeTexts = (texts: string[]) => {
    const { tokens, eot } = tokenizer.encodeBatch(texts, T);
    return tf.tidy(() => model.encodeTexts(tf.tensor2d(tokens, [texts.length, T], 'int32'), tf.tensor1d(eot, 'int32')));
  };

  const w = classEmbeddings(encodeTexts, manifest.classes.map((c) => c.name), manifest.promptTemplates);
  const tally = new ZeroShotTally(manifest.classes.map((c) => c.heldOut));
  const gap = new GapAccumulator();
  const images = new Float32Array(chunk * px);
  let captions: string[] = [];
  let labels: number[] = [];
  let filled = 0;

  const runChunk = async () => {
    if (filled === 0) return;
    const valid = filled;
    while (captions.length < chunk) captions.push(captions[0]); // pad: static shapes
    const { u, v, pred } = tf.tidy(() => {
      const u = model.encodeImages(tf.tensor4d(images, [chunk, S, S, 3]));
      const v = encodeTexts(captions);
      return { u, v, pred: predictClasses(u, w) };
    });
    gap.add(u, v, valid);
    const p = await pred.data();
    tally.add(p, labels, valid);
    tf.dispose([u, v, pred]);
    captions = [];
    labels = [];
    filled = 0;
    images.fill(0);
  };

  for await (const shard of readSplit(db, manifest, 'val')) {
    for (let i = 0; i < shard.count; i++) {
      normaliseImageInto(shard, i, S * S, images, filled * px);
      captions.push(shard.captions[i][0]);
      labels.push(shard.labels[i]);
      if (++filled === chunk) await runChunk();
    }
  }
  await runChunk();
  w.dispose();
  const { gap: gapDistance, meanPositive } = await gap.result();

  let similarity: Float32Array<ArrayBuffer> = new Float32Array(0);
  let similarityN = 0;
  let similarityCaptions: string[] = [];
  if (batch) {
    similarityN = Math.min(SIMILARITY_ROWS, batch.size);
    const n = similarityN;
    const sim = tf.tidy(() => {
      const u = model.encodeImages(tf.tensor4d(batch.images.subarray(0, n * px), [n, S, S, 3]));
      const v = model.encodeTexts(
        tf.tensor2d(batch.tokens.subarray(0, n * T), [n, T], 'int32'),
        tf.tensor1d(batch.eot.subarray(0, n), 'int32'),
      );
      return tf.matMul(u, v, false, true);
    });
    similarity = new Float32Array(await sim.data());
    sim.dispose();
    similarityCaptions = batch.captions.slice(0, n);
  }

  return {
    type: 'eval',
    step,
    zeroShotSeen: tally.accuracy('seen'),
    zeroShotHeldOut: tally.accuracy('heldOut'),
    zeroShotAll: tally.accuracy('all'),
    numClasses: manifest.classes.length,
    gap: gapDistance,
    meanPositive,
    similarity,
    similarityN,
    similarityCaptions,
    evalMs: performance.now() - t0,
  };
}
