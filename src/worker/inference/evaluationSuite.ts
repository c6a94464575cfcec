// The evaluation suite of one model on one stored dataset (docs/methods.md §7), in the inference
// worker with progress and cancel:
//   zero-shot   top-1 / top-5, per class and the confusion matrix on the validation (test) split,
//               with the dataset's template ensemble and with its first template alone;
//   retrieval   recall@1/5/10 both ways on the first RETRIEVAL_IMAGES validation images and all
//               their captions (an image hits when any of its captions does);
//   linear probe  multinomial logistic regression on the frozen unit image embeddings u: fitted
//               on a stride sample of the training split, λ chosen on a held-back fifth of that
//               sample (never on the test split), scored once on the validation split; when the
//               training pairs have no labels, on three disjoint parts of the validation split.
import type { ClipLabDatabase } from '../../data/db';
import type { DatasetManifest, Split } from '../../data/store/types';
import { classificationReport } from '../../eval/classificationReport';
import { chooseProbe, probeAccuracy, type ProbeData } from '../../eval/linearProbe';
import { multiCaptionRanks, recallAt } from '../../eval/multiCaptionRecall';
import { ensembleClassVectors, promptsFor } from '../../eval/templateEnsemble';
import type { InferenceModel } from '../../model/inferenceModel';
import type { SuiteResult } from '../../protocol/inference';
import { datasetView, type DatasetView } from '../../data/store/datasetView';
import { shardsOf } from './datasetImages';
import type { JobToken } from './jobs';
import type { Playground } from './playground';

/** Test images scored (zero-shot, probe) at most. */
export const SUITE_TEST_IMAGES = 5000;
export const RETRIEVAL_IMAGES = 1000;
/** Training images sampled for the probe at most (a fifth of them choose λ). */
export const PROBE_TRAIN_IMAGES = 2500;
const PROBE_ITERATIONS = 200;

interface Embedded {
  u: Float32Array;
  labels: Int32Array;
  captions: string[][];
  n: number;
}

/** Embeds up to `max` images of a split, every `stride`-th one. */
async function embedSplit(view: DatasetView, model: InferenceModel, split: Split, max: number, token: JobToken, progress: (n: number) => void): Promise<Embedded> {
  const m = view.manifest;
  const pairs = m.splits[split].pairs;
  const stride = Math.max(1, Math.ceil(pairs / max));
  const px = m.imageSize * m.imageSize * 3;
  const keep = Math.min(max, Math.ceil(pairs / stride));
  const rgb = new Uint8Array(keep * px);
  const labels = new Int32Array(keep);
  const captions: string[][] = [];
  let n = 0;
  for await (const { first, shard } of shardsOf(view, [split])) {
    token.check();
    for (let i = 0; i < shard.count && n < keep; i++) {
      if ((first + i) % stride !== 0) continue;
      rgb.set(shard.images.subarray(i * px, (i + 1) * px), n * px);
      labels[n] = shard.labels[i] ?? -1;
      captions.push(shard.captions[i] ?? []);
      n++;
    }
  }
  const u = await model.encodeImages(rgb.subarray(0, n * px), n, m.imageSize, (done) => {
    token.check();
    progress(done);
  });
  return { u, labels: labels.subarray(0, n), captions, n };
}

/** Cosines of n rows of `a` with c rows of `b` (both × d), float64, row-major n × c. */
function cosines(a: Float32Array, n: number, b: ArrayLike<number>, c: number, d: number): Float64Array {
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[j * d + k]!;
      out[i * c + j] = s;
    }
  }
  return out;
}

/** Rows of the labelled examples as probe data. */
function probeData(e: Embedded, d: number, keep: (i: number) => boolean): ProbeData {
  const rows: number[] = [];
  for (let i = 0; i < e.n; i++) if (e.labels[i]! >= 0 && keep(i)) rows.push(i);
  const x = new Float64Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((r, k) => {
    for (let j = 0; j < d; j++) x[k * d + j] = e.u[r * d + j]!;
    y[k] = e.labels[r]!;
  });
  return { x, y, n: rows.length, d };
}

export async function runEvaluationSuite(
  db: ClipLabDatabase,
  manifest: DatasetManifest,
  model: InferenceModel,
  playground: Playground,
  modelInfo: { id: string | null; name: string; step: number },
  token: JobToken,
  onProgress: (done: number, total: number, message: string) => void,
  yieldFn: () => Promise<void>,
): Promise<SuiteResult> {
  const t0 = performance.now();
  const D = model.embedDim;
  const notes: string[] = [];
  const classes = manifest.classes.map((c) => c.name);
  const C = classes.length;
  const testMax = Math.min(SUITE_TEST_IMAGES, manifest.splits.val.pairs);
  const probeMax = C > 1 ? Math.min(PROBE_TRAIN_IMAGES, manifest.splits.train.pairs) : 0;
  const steps = testMax + probeMax + (C > 1 ? 2 : 0) + 2;
  if (manifest.splits.val.pairs === 0) throw new Error(`${manifest.name} has no validation pairs to evaluate on`);

  const view = await datasetView(db, manifest, model.imageSize);
  if (view.manifest.imageSize !== model.imageSize) {
    notes.push(`${manifest.name} keeps its images at ${manifest.imageSize} px only: they were resized to the model's ${model.imageSize} px (re-import the data to keep larger images).`);
  }
  onProgress(0, steps, 'Embedding the validation images…');
  const test = await embedSplit(view, model, 'val', testMax, token, (n) => onProgress(n, steps, `Embedded ${n} of ${testMax} validation images`));
  if (test.n < manifest.splits.val.pairs) notes.push(`Scored on ${test.n} of ${manifest.splits.val.pairs} validation images (every ${Math.ceil(manifest.splits.val.pairs / test.n)}th).`);

  let zeroShot: SuiteResult['zeroShot'] = null;
  if (C > 1 && manifest.promptTemplates.length > 0) {
    const templates = manifest.promptTemplates;
    const T = templates.length;
    const { e } = await playground.promptEmbeddings(promptsFor(classes, templates));
    token.check();
    const ens = classificationReport(cosines(test.u, test.n, ensembleClassVectors(e, C, T, D), C, D), test.labels, C, 5);
    const one = new Float32Array(C * D);
    for (let c = 0; c < C; c++) one.set(e.subarray(c * T * D, (c * T + 1) * D), c * D);
    const single = classificationReport(cosines(test.u, test.n, ensembleClassVectors(one, C, 1, D), C, D), test.labels, C, 5);
    if (ens.n === 0) notes.push('Zero-shot: no validation image has a class label.');
    else
      zeroShot = {
        classes,
        images: ens.n,
        ensemble: { top1: ens.top1, top5: ens.topK, perClass: [...ens.perClass], confusion: [...ens.confusion] },
        single: { template: templates[0]!, top1: single.top1, top5: single.topK },
        templates: T,
      };
    onProgress(testMax + 1, steps, 'Zero-shot scored');
  } else notes.push(C > 1 ? 'Zero-shot: the dataset has no prompt templates.' : 'Zero-shot and linear probe: the dataset has no classes.');
  await yieldFn();

  // Retrieval among the first RETRIEVAL_IMAGES test images and every caption of theirs.
  const nR = Math.min(RETRIEVAL_IMAGES, test.n);
  const texts: string[] = [];
  const imageOf: number[] = [];
  for (let i = 0; i < nR; i++) for (const c of test.captions[i]!) (texts.push(c), imageOf.push(i));
  let retrieval: SuiteResult['retrieval'] = null;
  if (texts.length) {
    const { e: v } = await playground.promptEmbeddings(texts);
    token.check();
    const ranks = multiCaptionRanks(cosines(test.u, nR, v, texts.length, D), nR, imageOf);
    const at = (r: Int32Array) => ({ r1: recallAt(r, 1), r5: recallAt(r, 5), r10: recallAt(r, 10) });
    retrieval = { images: nR, captions: texts.length, distinctCaptions: new Set(texts).size, i2t: at(ranks.imageToText), t2i: at(ranks.textToImage) };
  } else notes.push('Retrieval: the validation images have no captions.');
  onProgress(testMax + 2, steps, 'Retrieval scored');
  await yieldFn();

  let linearProbe: SuiteResult['linearProbe'] = null;
  if (probeMax > 0) {
    const train = await embedSplit(view, model, 'train', probeMax, token, (n) => onProgress(testMax + 2 + n, steps, `Embedded ${n} of ${probeMax} training images for the probe`));
    let fit = probeData(train, D, (i) => i % 5 !== 4);
    let choose = probeData(train, D, (i) => i % 5 === 4);
    let testData = probeData(test, D, () => true);
    let protocol = 'fitted on training images, λ chosen on a held-back fifth of them, scored on the validation images';
    if (fit.n < 2 * C) {
      // Training pairs without class labels (the Shapes world labels only its validation pairs):
      // three disjoint parts of the validation split instead, still never choosing on the scored part.
      fit = probeData(test, D, (i) => i % 5 < 3);
      choose = probeData(test, D, (i) => i % 5 === 3);
      testData = probeData(test, D, (i) => i % 5 === 4);
      protocol = 'the training pairs carry no class labels, so: fitted on 3/5 of the validation images, λ chosen on another 1/5, scored on the last 1/5';
    }
    if (fit.n < C || choose.n === 0 || testData.n === 0) notes.push('Linear probe: too few labelled images.');
    else {
      onProgress(testMax + 2 + probeMax, steps, 'Fitting the linear probe (λ on a validation split, never on the scored images)…');
      await yieldFn();
      token.check();
      const { model: probe, validation } = chooseProbe(fit, choose, C, undefined, { maxIterations: PROBE_ITERATIONS, gradTol: 1e-6 });
      linearProbe = {
        features: `unit image embeddings u (after the projection, L2-normalised; ${D} dims)`,
        protocol,
        trainImages: fit.n,
        validationImages: choose.n,
        testImages: testData.n,
        lambda: probe.lambda,
        validation,
        testTop1: probeAccuracy(probe, testData),
      };
    }
  }
  onProgress(steps, steps, 'Done');
  return {
    modelId: modelInfo.id,
    modelName: modelInfo.name,
    modelStep: modelInfo.step,
    datasetId: manifest.id,
    datasetName: manifest.name,
    at: new Date().toISOString(),
    ms: performance.now() - t0,
    zeroShot,
    retrieval,
    linearProbe,
    notes,
  };
}
