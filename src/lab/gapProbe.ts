// The gap lab's probe: the first GAP_PROBE_SIZE validation pairs of a dataset (caption 0 each), kept
// as raw pixels, embedded at step 0 and every few steps by whichever model is being studied (the
// live run between steps, or a stored model). Each snapshot carries u, v, the zero-shot class
// vectors and every gap metric (src/eval/gapMetrics.ts). The encoder is injected: the same code runs
// in the trainer worker, the inference worker and in Node tests.
import { gapMetrics } from '../eval/gapMetrics';
import { ensembleClassVectors, promptsFor } from '../eval/templateEnsemble';
import type { DatasetManifest, ShardRecord } from '../data/store/types';
import type { GapProbeSet, GapSnapshot } from '../protocol/gap';

/** Pairs in the probe: enough for stable metrics (separability fits on half), small enough to draw and send. */
export const GAP_PROBE_SIZE = 256;

export interface GapEncoder {
  /** Unit rows, n × d, of n packed size² RGB images (resized to the model's size where it differs). */
  encodeImages(rgb: Uint8Array, n: number, size: number): Promise<Float32Array>;
  encodeTexts(texts: readonly string[]): Promise<Float32Array>;
  embedDim: number;
}

/** Reads the first `size` pairs of the validation split (shards in order). */
export async function collectGapProbe(shards: AsyncIterable<ShardRecord>, manifest: Pick<DatasetManifest, 'id' | 'name' | 'imageSize' | 'classes' | 'promptTemplates'>, size = GAP_PROBE_SIZE): Promise<GapProbeSet> {
  const px = manifest.imageSize * manifest.imageSize * 3;
  const thumbnails = new Uint8Array(size * px);
  const labels = new Int32Array(size).fill(-1);
  const captions: string[] = [];
  for await (const shard of shards) {
    for (let i = 0; i < shard.count && captions.length < size; i++) {
      thumbnails.set(shard.images.subarray(i * px, (i + 1) * px), captions.length * px);
      labels[captions.length] = shard.labels[i] ?? -1;
      captions.push(shard.captions[i]?.[0] ?? '');
    }
    if (captions.length >= size) break;
  }
  const n = captions.length;
  if (n < 4) throw new Error(`${manifest.name}: the gap lab needs at least 4 validation pairs, the dataset has ${n}`);
  return {
    key: `${manifest.id}:${n}`,
    datasetName: manifest.name,
    n,
    imageSize: manifest.imageSize,
    captions,
    thumbnails: thumbnails.slice(0, n * px),
    labels: labels.slice(0, n),
    classNames: manifest.classes.map((c) => c.name),
    templates: [...manifest.promptTemplates],
  };
}

/** Embeds the probe with `enc` and measures it. */
export async function recordGapSnapshot(enc: GapEncoder, probe: GapProbeSet, step: number, logitScale: number): Promise<GapSnapshot> {
  const d = enc.embedDim;
  const u = await enc.encodeImages(probe.thumbnails, probe.n, probe.imageSize);
  const v = await enc.encodeTexts(probe.captions);
  let classVectors = new Float32Array(0);
  if (probe.classNames.length > 0 && probe.templates.length > 0) {
    const e = await enc.encodeTexts(promptsFor(probe.classNames, probe.templates));
    classVectors = Float32Array.from(ensembleClassVectors(e, probe.classNames.length, probe.templates.length, d));
  }
  const m = gapMetrics(u, v, probe.n, d);
  return { step, n: probe.n, d, u, v, classVectors, logitScale, metrics: { ...m, perDimension: Float32Array.from(m.perDimension) } };
}
