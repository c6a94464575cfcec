// One evaluation pass over the validation split (fixed chunk size → static shapes):
// zero-shot top-1 for seen and held-out classes with the prompt ensemble (only when the
// dataset has classes; NaN otherwise), the modality gap and mean positive cosine,
// retrieval recall@1/5 in both directions on the first RETRIEVAL_MAX validation pairs
// (caption 0 per image), the modality-gap metrics on those same pairs, and the similarity
// matrix of (the first rows of) the current training batch.
import * as tf from '@tensorflow/tfjs';
import type { ClipLabDatabase } from '../data/db';
import type { LabelledBatch } from '../data/store/shardReader';
import { datasetView, readSplit } from '../data/store/datasetView';
import { modelImageInput, writeModelInput } from '../data/image/modelInput';
import type { DatasetManifest } from '../data/store/types';
import { gapMetrics } from '../eval/gapMetrics';
import { GapAccumulator } from '../eval/modalityGap';
import { gapSummaryOf, type GapSummary } from '../protocol/gap';
import { recallAt } from '../eval/multiCaptionRecall';
import { classEmbeddings, predictClasses, ZeroShotTally } from '../eval/zeroShot';
import type { ClipModel } from '../model/clipModel';
import type { EvalReport } from '../protocol/trainer';
import type { TrainConfig } from '../config/types';
import type { TextTokenizer } from '../tokenizer/textTokenizer';

export const SIMILARITY_ROWS = 16;
/** Retrieval is scored among the first this many validation pairs (bounded memory and time). */
export const RETRIEVAL_MAX = 1024;
/** Query rows per similarity block in retrieval (a block is RETRIEVAL_CHUNK × n cosines). */
export const RETRIEVAL_CHUNK = 256;

/**
 * For unit query rows q_i and candidate rows c_j (row i of each is a true pair): the rank
 * of the true candidate, i.e. how many candidates score strictly above it (0 = retrieved
 * first). Ties count in the true pair's favour, so identical captions of different images
 * are not penalised. Computed in blocks of `chunk` query rows.
 */
export async function retrievalRanks(q: tf.Tensor2D, c: tf.Tensor2D, chunk = RETRIEVAL_CHUNK): Promise<Int32Array> {
  const n = q.shape[0];
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const ranks = tf.tidy(() => {
      const sims = tf.matMul(q.slice([s, 0], [m, -1]), c, false, true); // [m, n]
      // The true pair's score read from the same matrix (not recomputed): exact comparison.
      const mask = tf.oneHot(tf.range(s, s + m, 1, 'int32'), n);
      const pos = sims.mul(mask).sum(1, true);
      return sims.greater(pos).cast('int32').sum(1);
    });
    out.set(await ranks.data(), s);
    ranks.dispose();
  }
  return out;
}

interface EvalInputs {
  db: ClipLabDatabase;
  model: ClipModel;
  manifest: DatasetManifest;
  tokenizer: TextTokenizer;
  config: TrainConfig;
  step: number;
  batch: LabelledBatch | null;
}

export async function evaluateModel({ db, model, manifest, tokenizer, config, step, batch }: EvalInputs): Promise<EvalReport> {
  const t0 = performance.now();
  const T = config.model.text.contextLength;
  // The model's input: the images at its size (from the kept images, or the stored ones resized), its mean/std.
  const input = modelImageInput(config.model);
  const S = input.size;
  const px = S * S * 3;
  const view = await datasetView(db, manifest, S);
  const inS = view.manifest.imageSize;
  const chunk = config.batchSize;
  const encodeTexts = (texts: string[]) => {
    const { tokens, eot } = tokenizer.encodeBatch(texts, T);
    return tf.tidy(() => model.encodeTexts(tf.tensor2d(tokens, [texts.length, T], 'int32'), tf.tensor1d(eot, 'int32')));
  };

  const hasClasses = manifest.classes.length > 0 && manifest.promptTemplates.length > 0;
  const w = hasClasses ? classEmbeddings(encodeTexts, manifest.classes.map((c) => c.name), manifest.promptTemplates) : null;
  const tally = new ZeroShotTally(manifest.classes.map((c) => c.heldOut));
  const gap = new GapAccumulator();
  const images = new Float32Array(chunk * px);
  let captions: string[] = [];
  let labels: number[] = [];
  let filled = 0;
  const keptU: tf.Tensor2D[] = [];
  const keptV: tf.Tensor2D[] = [];
  let kept = 0;

  const runChunk = async () => {
    if (filled === 0) return;
    const valid = filled;
    while (captions.length < chunk) captions.push(captions[0]); // pad: static shapes
    const { u, v } = tf.tidy(() => ({ u: model.encodeImages(tf.tensor4d(images, [chunk, S, S, 3])), v: encodeTexts(captions) }));
    const pred = w ? predictClasses(u, w) : null;
    gap.add(u, v, valid);
    if (pred) tally.add(await pred.data(), labels, valid);
    const take = Math.min(valid, RETRIEVAL_MAX - kept);
    if (take > 0) {
      keptU.push(u.slice([0, 0], [take, -1]));
      keptV.push(v.slice([0, 0], [take, -1]));
      kept += take;
    }
    tf.dispose([u, v]);
    if (pred) pred.dispose();
    captions = [];
    labels = [];
    filled = 0;
    images.fill(0);
  };

  for await (const shard of readSplit(view, 'val')) {
    for (let i = 0; i < shard.count; i++) {
      writeModelInput(shard.images, i * inS * inS * 3, inS, input, images, filled * px);
      captions.push(shard.captions[i][0]);
      labels.push(shard.labels[i]);
      if (++filled === chunk) await runChunk();
    }
  }
  await runChunk();
  w?.dispose();
  const { gap: gapDistance, meanPositive } = await gap.result();

  let i2t: Int32Array = new Int32Array(0);
  let t2i: Int32Array = new Int32Array(0);
  let gapSummary: GapSummary | undefined;
  if (kept > 0) {
    const U = tf.concat(keptU) as tf.Tensor2D;
    const V = tf.concat(keptV) as tf.Tensor2D;
    tf.dispose([...keptU, ...keptV]);
    i2t = await retrievalRanks(U, V);
    t2i = await retrievalRanks(V, U);
    if (kept >= 4) gapSummary = gapSummaryOf(gapMetrics(await U.data(), await V.data(), kept, U.shape[1]));
    tf.dispose([U, V]);
  }

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
    zeroShotSeen: hasClasses ? tally.accuracy('seen') : NaN,
    zeroShotHeldOut: hasClasses ? tally.accuracy('heldOut') : NaN,
    zeroShotAll: hasClasses ? tally.accuracy('all') : NaN,
    numClasses: hasClasses ? manifest.classes.length : 0,
    gap: gapDistance,
    meanPositive,
    recallI2T1: recallAt(i2t, 1),
    recallT2I1: recallAt(t2i, 1),
    recallI2T5: recallAt(i2t, 5),
    recallT2I5: recallAt(t2i, 5),
    similarity,
    similarityN,
    similarityCaptions,
    ...(gapSummary ? { gapMetrics: gapSummary } : {}),
    evalMs: performance.now() - t0,
  };
}
