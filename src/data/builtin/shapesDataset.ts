// Writes the built-in Shapes world into the shard store: deterministic from the spec
// (same spec → same id → generated once, then read from IndexedDB), train and
// validation splits, and a BPE tokenizer trained on the training captions.
import type { ShapesDatasetSpec } from '../../config/types';
import { trainBpe } from '../../tokenizer/trainBpe';
import { classIndexOf, generateShapesPair, shapesClasses, SHAPES_PROMPT_TEMPLATES, type ShapesConfig } from '../shapes';
import type { ClipLabDatabase } from '../db';
import { getDataset, writeDataset } from '../store/shardStore';
import { SCHEMA_VERSION, SHARD_SIZE, shardKey, type DatasetManifest, type ShardRecord, type Split } from '../store/types';

export const SHAPES_SHARD_SIZE = SHARD_SIZE;

function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function shapesDatasetId(spec: ShapesDatasetSpec): string {
  return `shapes-${hashString(JSON.stringify({ ...spec, schema: SCHEMA_VERSION }))}`;
}

export function toShapesConfig(spec: ShapesDatasetSpec): ShapesConfig {
  const pairs = spec.heldOut.map((name) => {
    const [colour, shape] = name.trim().toLowerCase().split(/\s+/);
    return [colour, shape] as [string, string];
  });
  return { imageSize: spec.imageSize, seed: spec.seed, heldOut: pairs as ShapesConfig['heldOut'], twoObjectProb: spec.twoObjectProb };
}

export type ProgressFn = (done: number, total: number, message: string) => void;

/** Return the stored dataset for `spec`, generating it first if needed. */
export async function ensureShapesDataset(
  db: ClipLabDatabase,
  spec: ShapesDatasetSpec,
  onProgress: ProgressFn,
  isCancelled: () => boolean = () => false,
): Promise<{ manifest: DatasetManifest; fromCache: boolean }> {
  const id = shapesDatasetId(spec);
  const existing = await getDataset(db, id);
  if (existing) return { manifest: existing, fromCache: true };

  const config = toShapesConfig(spec);
  const classes = shapesClasses(config);
  const total = spec.trainPairs + spec.valPairs;
  const shardsOf = (n: number) => Math.ceil(n / SHAPES_SHARD_SIZE);
  const manifest: DatasetManifest = {
    id,
    name: `Shapes ${spec.imageSize}×${spec.imageSize} (seed ${spec.seed})`,
    source: 'shapes',
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    spec,
    imageSize: spec.imageSize,
    shardSize: SHAPES_SHARD_SIZE,
    splits: {
      train: { pairs: spec.trainPairs, shards: shardsOf(spec.trainPairs) },
      val: { pairs: spec.valPairs, shards: shardsOf(spec.valPairs) },
    },
    bytes: 0, // set by writeDataset
    tokenizer: null,
    classes: classes.map((c) => ({ name: c.name, heldOut: c.heldOut })),
    promptTemplates: [...SHAPES_PROMPT_TEMPLATES],
    complete: false,
  };

  const trainCaptions: string[] = [];
  let done = 0;
  async function* shards(): AsyncGenerator<ShardRecord> {
    for (const split of ['train', 'val'] as Split[]) {
      const n = manifest.splits[split].pairs;
      for (let s = 0; s < manifest.splits[split].shards; s++) {
        if (isCancelled()) throw new Error('Dataset generation cancelled');
        const count = Math.min(SHAPES_SHARD_SIZE, n - s * SHAPES_SHARD_SIZE);
        const px = spec.imageSize * spec.imageSize * 3;
        const images = new Uint8Array(count * px);
        const captions: string[][] = [];
        const labels = new Int32Array(count).fill(-1);
        const keys: string[] = [];
        for (let i = 0; i < count; i++) {
          const n = s * SHAPES_SHARD_SIZE + i;
          const pair = generateShapesPair(config, split, n);
          images.set(pair.image, i * px);
          captions.push(pair.captions);
          keys.push(`shapes-${split}-${String(n).padStart(6, '0')}`);
          if (split === 'train') trainCaptions.push(...pair.captions);
          else labels[i] = classIndexOf(config, pair.objects);
        }
        done += count;
        onProgress(done, total, `Generating Shapes ${split} pairs`);
        yield { key: shardKey(id, split, s), datasetId: id, split, index: s, count, images, captions, labels, keys };
      }
    }
    onProgress(total, total, 'Training the BPE tokenizer');
    manifest.tokenizer = trainBpe(trainCaptions, spec.vocabSize).toJSON();
  }
  await writeDataset(db, manifest, shards);
  return { manifest: { ...manifest, complete: true }, fromCache: false };
}
