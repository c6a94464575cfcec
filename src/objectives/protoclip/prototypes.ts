// One ProtoCLIP episode's prototypes and the per-batch prototype losses (methods.md §5 steps 3–5),
// composed from kmeans / pbt / softTargets / protoLoss. The trainer (next session) does:
//   idx = sampleEpisode(...); feature pass → hI, hT [E, P] (ProtoHeads.imageFeatures/textFeatures);
//   protos = await buildEpisodePrototypes(hI, hT, {K: defaultK(E), seed, episodeIndex, teacher?});
//   for each batch (positions into the episode): losses = protoBatchLosses(hI_b, hT_b, positions, protos, t_p)
//   protos.dispose() at the end of the episode.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../util/prng';
import { kmeans, type KMeansOptions } from './kmeans';
import { backTranslate } from './pbt';
import { protoHardLoss, protoLoss } from './protoLoss';
import { DEFAULT_TARGET_TEMPERATURE, protoSoftTargets } from './softTargets';

export interface ExternalPrototypes {
  K: number;
  /** Teacher cluster of each episode pair. */
  a: Int32Array;
  /** Teacher centroids in teacher space [K, teacherDims] (diagnostic only). */
  C: tf.Tensor2D;
  /** Teacher clusters translated into image / text head space [K, P]. */
  toImage: tf.Tensor2D;
  toText: tf.Tensor2D;
  inertia: number;
}

export interface EpisodePrototypes {
  K: number;
  aI: Int32Array;
  aT: Int32Array;
  /** Plain centroids of the image / text head features [K, P]. */
  CI: tf.Tensor2D;
  CT: tf.Tensor2D;
  /** Prototypes the image features are scored against: C^{T→I} with PBT, else C^T. */
  imageTargets: tf.Tensor2D;
  /** Prototypes the text features are scored against: C^{I→T} with PBT, else C^I. */
  textTargets: tf.Tensor2D;
  external: ExternalPrototypes | null;
  inertiaI: number;
  inertiaT: number;
  emptyI: number;
  emptyT: number;
  dispose(): void;
}

export interface BuildPrototypesOptions extends Omit<KMeansOptions, 'seed'> {
  K: number;
  seed: number;
  episodeIndex: number;
  /** Prototypical Back Translation (default true). */
  pbt?: boolean;
  /** Frozen teacher features of the episode's captions [E, dT] (e.g. TfidfPcaTeacher.embed), or null. */
  teacher?: tf.Tensor2D | null;
  /** Teacher clusters (default K). */
  teacherK?: number;
}

export async function buildEpisodePrototypes(hI: tf.Tensor2D, hT: tf.Tensor2D, opts: BuildPrototypesOptions): Promise<EpisodePrototypes> {
  const { K, seed, episodeIndex, pbt = true, teacher = null } = opts;
  if (hI.shape[0] !== hT.shape[0]) throw new Error('buildEpisodePrototypes: hI and hT differ in rows');
  const km = (x: tf.Tensor2D, k: number, label: string) =>
    kmeans(x, k, {
      seed: deriveSeed(seed, `protoclip.kmeans.${label}.${episodeIndex}`),
      iterations: opts.iterations,
      restarts: opts.restarts,
      maxChunkElements: opts.maxChunkElements,
    });
  const rI = await km(hI, K, 'image');
  const rT = await km(hT, K, 'text');
  const imageTargets = pbt ? backTranslate(hI, rT.assignments, K) : tf.clone(rT.centroids);
  const textTargets = pbt ? backTranslate(hT, rI.assignments, K) : tf.clone(rI.centroids);
  let external: ExternalPrototypes | null = null;
  if (teacher) {
    const KE = opts.teacherK ?? K;
    const rE = await km(teacher, KE, 'teacher');
    external = {
      K: KE,
      a: rE.assignments,
      C: rE.centroids,
      toImage: backTranslate(hI, rE.assignments, KE),
      toText: backTranslate(hT, rE.assignments, KE),
      inertia: rE.inertia,
    };
  }
  const protos: EpisodePrototypes = {
    K,
    aI: rI.assignments,
    aT: rT.assignments,
    CI: rI.centroids,
    CT: rT.centroids,
    imageTargets,
    textTargets,
    external,
    inertiaI: rI.inertia,
    inertiaT: rT.inertia,
    emptyI: rI.emptyClusters,
    emptyT: rT.emptyClusters,
    dispose: () => disposePrototypes(protos),
  };
  return protos;
}

function disposePrototypes(p: EpisodePrototypes): void {
  for (const t of [p.CI, p.CT, p.imageTargets, p.textTargets]) t.dispose();
  if (p.external) for (const t of [p.external.C, p.external.toImage, p.external.toText]) t.dispose();
}

function pick(a: Int32Array, positions: Int32Array): Int32Array {
  return Int32Array.from(positions, (p) => a[p]);
}

export interface ProtoBatchLosses {
  /** L_I→T: image head features vs (translated) text prototypes, soft targets from C^T. */
  imageToText: tf.Scalar;
  /** L_T→I. */
  textToImage: tf.Scalar;
  /** L_I→E and L_T→E (hard teacher labels); null without a teacher. */
  imageToExternal: tf.Scalar | null;
  textToExternal: tf.Scalar | null;
  /** ½(L_I→T + L_T→I) + ½(L_I→E + L_T→E) — the prototype part of ProtoCLIP's total loss. */
  total: tf.Scalar;
}

/**
 * Prototype losses for one training batch. hI, hT [B, P] are the heads' training-mode features of
 * the batch; positions are the batch pairs' indices within the episode (into aI, aT, a^E).
 */
export function protoBatchLosses(
  hI: tf.Tensor2D,
  hT: tf.Tensor2D,
  positions: Int32Array,
  protos: EpisodePrototypes,
  logitScaleP: tf.Scalar,
  tau = DEFAULT_TARGET_TEMPERATURE,
): ProtoBatchLosses {
  const out = tf.tidy(() => {
    const qI2T = protoSoftTargets(protos.CT, pick(protos.aT, positions), tau);
    const qT2I = protoSoftTargets(protos.CI, pick(protos.aI, positions), tau);
    const imageToText = protoLoss(hI, protos.imageTargets, qI2T, logitScaleP);
    const textToImage = protoLoss(hT, protos.textTargets, qT2I, logitScaleP);
    const res: Record<string, tf.Scalar> = { imageToText, textToImage };
    let total = tf.mul(tf.add(imageToText, textToImage), 0.5) as tf.Scalar;
    if (protos.external) {
      const aE = pick(protos.external.a, positions);
      res.imageToExternal = protoHardLoss(hI, protos.external.toImage, aE, logitScaleP);
      res.textToExternal = protoHardLoss(hT, protos.external.toText, aE, logitScaleP);
      total = tf.add(total, tf.mul(tf.add(res.imageToExternal, res.textToExternal), 0.5)) as tf.Scalar;
    }
    res.total = total;
    return res;
  });
  return {
    imageToText: out.imageToText,
    textToImage: out.textToImage,
    imageToExternal: out.imageToExternal ?? null,
    textToExternal: out.textToExternal ?? null,
    total: out.total,
  };
}

// ---------------------------------------------------------------- checkpoints
// An episode's prototypes come from a feature pass with the parameters of the episode's start, so a
// run resumed mid-episode cannot recompute them: they are saved as arrays (read back once per save).

/** The scalars of an EpisodePrototypes (the arrays travel separately). */
export interface PrototypesMeta {
  K: number;
  KE: number | null;
  inertiaI: number;
  inertiaT: number;
  inertiaE: number | null;
  emptyI: number;
  emptyT: number;
}

const PROTO_TENSORS = ['CI', 'CT', 'imageTargets', 'textTargets'] as const;
const EXTERNAL_TENSORS = ['C', 'toImage', 'toText'] as const;

/** Reads an episode's prototypes back as named arrays (prefix + name) plus their scalars. */
export async function prototypesToArrays(
  p: EpisodePrototypes,
  prefix: string,
): Promise<{ meta: PrototypesMeta; arrays: Record<string, { shape: number[]; values: Float32Array | Int32Array }> }> {
  const arrays: Record<string, { shape: number[]; values: Float32Array | Int32Array }> = {};
  const f32 = async (t: tf.Tensor) => ({ shape: [...t.shape], values: new Float32Array((await t.data()) as Float32Array) });
  for (const n of PROTO_TENSORS) arrays[`${prefix}${n}`] = await f32(p[n]);
  arrays[`${prefix}aI`] = { shape: [p.aI.length], values: Int32Array.from(p.aI) };
  arrays[`${prefix}aT`] = { shape: [p.aT.length], values: Int32Array.from(p.aT) };
  if (p.external) {
    for (const n of EXTERNAL_TENSORS) arrays[`${prefix}external.${n}`] = await f32(p.external[n]);
    arrays[`${prefix}external.a`] = { shape: [p.external.a.length], values: Int32Array.from(p.external.a) };
  }
  const meta: PrototypesMeta = {
    K: p.K,
    KE: p.external?.K ?? null,
    inertiaI: p.inertiaI,
    inertiaT: p.inertiaT,
    inertiaE: p.external?.inertia ?? null,
    emptyI: p.emptyI,
    emptyT: p.emptyT,
  };
  return { meta, arrays };
}

/** Rebuilds prototypes saved by prototypesToArrays (the result owns new tensors). */
export function prototypesFromArrays(
  meta: PrototypesMeta,
  arrays: Record<string, { shape: number[]; values: Float32Array | Int32Array }>,
  prefix: string,
): EpisodePrototypes {
  const get = (n: string) => {
    const a = arrays[`${prefix}${n}`];
    if (!a) throw new Error(`ProtoCLIP checkpoint: missing ${prefix}${n}`);
    return a;
  };
  const t2 = (n: string) => {
    const a = get(n);
    if (a.shape.length !== 2) throw new Error(`ProtoCLIP checkpoint: ${prefix}${n} must be 2-D`);
    return tf.tensor2d(Float32Array.from(a.values), a.shape as [number, number], 'float32');
  };
  const ints = (n: string) => Int32Array.from(get(n).values);
  const external: ExternalPrototypes | null =
    meta.KE === null
      ? null
      : { K: meta.KE, a: ints('external.a'), C: t2('external.C'), toImage: t2('external.toImage'), toText: t2('external.toText'), inertia: meta.inertiaE ?? NaN };
  const protos: EpisodePrototypes = {
    K: meta.K,
    aI: ints('aI'),
    aT: ints('aT'),
    CI: t2('CI'),
    CT: t2('CT'),
    imageTargets: t2('imageTargets'),
    textTargets: t2('textTargets'),
    external,
    inertiaI: meta.inertiaI,
    inertiaT: meta.inertiaT,
    emptyI: meta.emptyI,
    emptyT: meta.emptyT,
    dispose: () => disposePrototypes(protos),
  };
  return protos;
}
